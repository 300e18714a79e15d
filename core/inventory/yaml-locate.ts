import { type Document, isMap, isNode, isScalar, isSeq, type LineCounter, type Node, type Pair } from 'yaml';

export type Locate = (path: unknown[]) => { line?: number; column?: number };

/**
 * Finds the line and column of a value in a parsed YAML document by its key
 * path, for error messages: the key's position when the path ends at a
 * mapping key, else the value's.
 *
 * Every host of a YAML inventory is located, and its path goes through the
 * group's `hosts` mapping. The yaml library finds a key by scanning the
 * mapping's pairs, so a 100,000-host file cost a scan of up to thousands of
 * pairs per host (1.6 s of a 6 s list). Here each mapping's keys are indexed
 * the first time a path goes through it. The first pair with a key wins, as
 * in the library's own lookup. The index lives as long as the document.
 */
export function keyPathLocator(doc: Document, lineCounter: LineCounter): Locate {
  const indexes = new WeakMap<object, Map<unknown, Pair>>();
  const pairOf = (map: { items: Pair[] }, key: unknown): Pair | undefined => {
    let byKey = indexes.get(map);
    if (!byKey) {
      byKey = new Map();
      for (const pair of map.items) {
        const k = isScalar(pair.key) ? pair.key.value : pair.key;
        if (!byKey.has(k)) byKey.set(k, pair);
      }
      indexes.set(map, byKey);
    }
    return byKey.get(key);
  };
  const child = (node: unknown, key: unknown): unknown => {
    if (isMap(node)) return pairOf(node, key)?.value;
    if (isSeq(node) && typeof key === 'number') return node.items[key];
    return undefined;
  };
  return (path) => {
    let parent: unknown = doc.contents;
    for (const key of path.slice(0, -1)) parent = child(parent, key);
    let node: unknown = parent;
    if (path.length > 0) {
      const last = path[path.length - 1];
      const pair = isMap(parent) ? pairOf(parent, last) : undefined;
      node = pair && isNode(pair.key) ? pair.key : child(parent, last);
    }
    const start = isNode(node) ? (node as Node).range?.[0] : undefined;
    if (start === undefined) return {};
    const pos = lineCounter.linePos(start);
    return { line: pos.line, column: pos.col };
  };
}
