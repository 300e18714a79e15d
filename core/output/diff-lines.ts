import { structuredPatch } from 'diff';
import type { Colors } from './colors.js';
import type { FileDiff } from './events.js';

/** Lines of context around each change: Ansible's DIFF_CONTEXT default. */
const CONTEXT = 3;
const NO_EOL = '\\ No newline at end of file';

/**
 * A file's change as ansible-playbook's default callback prints it under
 * `--diff`: Python difflib's unified diff of before and after, headed
 * `--- before: <header>` / `+++ after: <header>`, a missing final newline
 * marked as Ansible marks it, then a blank line. No lines when nothing differs.
 */
export function diffLines(d: FileDiff, c: Colors): string[] {
  if (d.prepared !== undefined) return [d.prepared];
  // Ansible appends the marker to a last line without a newline, as part of that line.
  const mark = (text: string) => (text && !text.endsWith('\n') ? `${text}\n${NO_EOL}\n` : text);
  const patch = structuredPatch('', '', mark(d.before), mark(d.after), '', '', { context: CONTEXT });
  if (patch.hunks.length === 0) return [];
  const out = [
    c.red(`--- ${d.beforeHeader ? `before: ${d.beforeHeader}` : 'before'}`),
    c.green(`+++ ${d.afterHeader ? `after: ${d.afterHeader}` : 'after'}`),
  ];
  for (const hunk of patch.hunks) {
    let oldLines = hunk.oldLines;
    let newLines = hunk.newLines;
    const body: string[] = [];
    for (const line of hunk.lines) {
      if (line.slice(1) === NO_EOL) {
        // One line with the one before it in difflib's count, printed bare.
        if (line[0] !== '+') oldLines--;
        if (line[0] !== '-') newLines--;
        body.push(NO_EOL);
      } else body.push(line[0] === '+' ? c.green(line) : line[0] === '-' ? c.red(line) : line);
    }
    out.push(c.cyan(`@@ -${range(hunk.oldStart, oldLines)} +${range(hunk.newStart, newLines)} @@`), ...body);
  }
  out.push('');
  return out;
}

/** difflib's `_format_range_unified`: `n` for one line, `n-1,0` for none, else `start,count`. */
function range(start: number, count: number): string {
  if (count === 1) return String(start);
  if (count === 0) return `${start - 1},0`;
  return `${start},${count}`;
}
