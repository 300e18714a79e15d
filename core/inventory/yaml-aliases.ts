import { type Document, isAlias, isNode, type LineCounter, visit } from 'yaml';
import { RunnerError } from '../errors.js';

/**
 * PyYAML's rule for aliases: `*name` must follow an `&name` anchor earlier in
 * the document, else the file is refused ("found undefined alias"). The yaml
 * package only notices when converting, without a line; this walks the
 * document first so the error names the file and line of the alias.
 */
export function checkAliases(doc: Document, lineCounter: LineCounter, file: string): void {
  const anchors = new Set<string>();
  visit(doc, (_key, node) => {
    if (isAlias(node)) {
      if (!anchors.has(node.source)) {
        const pos = node.range ? lineCounter.linePos(node.range[0]) : undefined;
        throw new RunnerError('YAML_SYNTAX', `YAML error: found undefined alias "*${node.source}"`, {
          file,
          line: pos?.line,
          column: pos?.col,
        });
      }
    } else if (isNode(node) && node.anchor) anchors.add(node.anchor);
  });
}
