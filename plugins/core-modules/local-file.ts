import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { RunnerError } from '../../core/errors.js';
import { expandHome } from '../../core/expand-home.js';
import type { Vars } from '../../core/inventory/types.js';

/**
 * Finds a controller-side file the way Ansible does for a playbook without
 * roles: `~` and `~user` expanded (the controller's homes); an absolute path as is; else `<playbook_dir>/<kind>/<src>`, then
 * `<playbook_dir>/<src>` (kind is `files` for copy/script, `templates` for
 * template).
 */
export function findLocalFile(vars: Vars, kind: 'files' | 'templates', given: string): string {
  const src = expandHome(given);
  if (isAbsolute(src)) {
    if (existsSync(src)) return src;
    throw notFound(src, [src]);
  }
  const base = String(vars.playbook_dir ?? process.cwd());
  const candidates = [join(base, kind, src), join(base, src)];
  const found = candidates.find((c) => existsSync(c));
  if (found) return found;
  throw notFound(src, candidates);
}

function notFound(src: string, searched: string[]): RunnerError {
  return new RunnerError(
    'FILE_NOT_FOUND',
    `Could not find or access '${src}' on the controller (searched ${searched.join(', ')})`,
    { file: searched[0] },
  );
}
