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
  visit(doc, (_key, node, path) => {
    if (isAlias(node)) {
      const refuse = (message: string) => {
        const pos = node.range ? lineCounter.linePos(node.range[0]) : undefined;
        throw new RunnerError('YAML_SYNTAX', message, { file, line: pos?.line, column: pos?.col });
      };
      if (!anchors.has(node.source)) refuse(`YAML error: found undefined alias "*${node.source}"`);
      // An alias inside its own anchor makes a structure that contains itself: PyYAML builds it,
      // and Ansible then fails on it with a recursion error. Refused here, where it is written.
      if (path.some((p) => isNode(p) && p.anchor === node.source)) {
        refuse(
          `YAML error: alias "*${node.source}" is inside its own anchor "&${node.source}" (a value cannot contain itself)`,
        );
      }
    } else if (isNode(node) && node.anchor) anchors.add(node.anchor);
  });
}
