import { describe, expect, it } from 'vitest';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { keyPathLocator } from '../../../core/inventory/yaml-locate.js';

const TEXT = [
  'web:', // 1
  '  hosts:', // 2
  '    w1:', // 3
  '      port: 22', // 4
  '    w2: {a: 1}', // 5
  '    w1: again', // 6: a duplicate key: the first one is where errors point
  '  vars:', // 7
  '    list: [x, {deep: 1}]', // 8
  'yes:', // 9: a YAML 1.1 boolean key
  '  10: ten', // 10
].join('\n');

function parse() {
  const lineCounter = new LineCounter();
  const doc = parseDocument(TEXT, { version: '1.1', uniqueKeys: false, lineCounter });
  return { doc, lineCounter };
}

/** The yaml library's own lookups (getIn and a scan of the pairs): what the locator must agree with. */
function libraryLocate(path: unknown[]) {
  const { doc, lineCounter } = parse();
  const parent = path.length > 0 ? doc.getIn(path.slice(0, -1), true) : undefined;
  const last = path[path.length - 1];
  const pair = isMap(parent)
    ? parent.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === last)
    : undefined;
  const node = pair && isNode(pair.key) ? pair.key : path.length === 0 ? doc.contents : doc.getIn(path, true);
  const start = isNode(node) ? node.range?.[0] : undefined;
  if (start === undefined) return {};
  const pos = lineCounter.linePos(start);
  return { line: pos.line, column: pos.col };
}

/** Every key path in the document, keys and sequence indexes as the parser gives them. */
function allPaths(node: unknown, prefix: unknown[] = []): unknown[][] {
  const out: unknown[][] = [prefix];
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      out.push(...allPaths(pair.value, [...prefix, key]));
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      out.push(...allPaths(item, [...prefix, i]));
    });
  }
  return out;
}

describe('keyPathLocator', () => {
  it('points at the key at the end of a path, the first of duplicate keys', () => {
    const { doc, lineCounter } = parse();
    const locate = keyPathLocator(doc, lineCounter);
    expect(locate(['web', 'hosts', 'w1'])).toEqual({ line: 3, column: 5 });
    expect(locate(['web', 'hosts', 'w2', 'a'])).toEqual({ line: 5, column: 10 });
    expect(locate([true, 10])).toEqual({ line: 10, column: 3 });
    expect(locate(['web', 'vars', 'list', 1, 'deep'])).toEqual({ line: 8, column: 16 });
    expect(locate([])).toEqual({ line: 1, column: 1 });
    expect(locate(['web', 'nosuch', 'w1'])).toEqual({});
  });

  it('agrees with the yaml library on every path of the document, asked twice', () => {
    const { doc, lineCounter } = parse();
    const locate = keyPathLocator(doc, lineCounter);
    const paths = allPaths(doc.contents);
    expect(paths.length).toBeGreaterThan(12);
    for (const round of [1, 2]) {
      for (const path of paths)
        expect([round, path, locate(path)]).toEqual([round, path, libraryLocate(path)]);
    }
  });
});
