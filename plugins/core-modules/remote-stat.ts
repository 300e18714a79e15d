import { shQuote } from '../../core/connection/quote.js';
import type { ModuleContext } from '../../core/plugin/types.js';

export type PathType = 'absent' | 'file' | 'directory' | 'link' | 'other';

export interface PathStat {
  type: PathType;
  /** Permission bits, e.g. 0o644. */
  mode: number;
  owner: string;
  group: string;
  uid: number;
  gid: number;
  size: number;
  /** sha1 of a regular file's content, when asked for (Ansible compares sha1). */
  checksum?: string;
  /** Where a symlink points (only when not following). */
  linkTarget?: string;
}

/**
 * One round trip that tells what is at a path: type, mode, owner, size, and
 * optionally its sha1. `follow` looks through symlinks. Works with GNU
 * coreutils and busybox alike (both have `stat -c` and `sha1sum`).
 */
export async function statPath(
  ctx: ModuleContext,
  path: string,
  options: { follow?: boolean; checksum?: boolean } = {},
): Promise<PathStat> {
  const p = shQuote(path);
  const L = options.follow ? '-L ' : '';
  const script = [
    `if [ -L ${p} ] || [ -e ${p} ]; then`,
    `  stat ${L}-c '%F|%a|%U|%G|%u|%g|%s' -- ${p} || exit 3`,
    `  readlink -- ${p} || echo`,
    options.checksum ? `  if [ -f ${p} ]; then sha1sum < ${p} | cut -c1-40; fi` : '  :',
    'else echo absent; fi',
  ].join('\n');
  const result = await ctx.connection.exec(script, { become: ctx.become, signal: ctx.signal });
  if (result.exitCode !== 0) {
    throw new Error(`cannot stat ${path}: ${result.stderr.trim() || `exit code ${result.exitCode}`}`);
  }
  const [first = '', link = '', sum = ''] = result.stdout.split('\n');
  if (first.trim() === 'absent') {
    return { type: 'absent', mode: 0, owner: '', group: '', uid: -1, gid: -1, size: 0 };
  }
  const [kind = '', mode = '0', owner = '', group = '', uid = '-1', gid = '-1', size = '0'] =
    first.split('|');
  const type: PathType = kind.startsWith('regular')
    ? 'file'
    : kind === 'directory'
      ? 'directory'
      : kind === 'symbolic link'
        ? 'link'
        : 'other';
  return {
    type,
    mode: Number.parseInt(mode, 8),
    owner,
    group,
    uid: Number(uid),
    gid: Number(gid),
    size: Number(size),
    checksum: sum.trim() || undefined,
    linkTarget: type === 'link' ? link.trim() : undefined,
  };
}

/** Whether a wanted owner/group (a name or a numeric id) already matches. */
export function sameId(wanted: string | undefined, name: string, id: number): boolean {
  if (wanted === undefined) return true;
  return /^\d+$/.test(wanted) ? Number(wanted) === id : wanted === name;
}

/** Runs a shell snippet on the host (as the task's become user); throws with stderr on failure. */
export async function mustExec(ctx: ModuleContext, script: string, what: string): Promise<string> {
  const result = await ctx.connection.exec(script, { become: ctx.become, signal: ctx.signal });
  if (result.exitCode !== 0) {
    throw new Error(`${what}: ${result.stderr.trim().split('\n').pop() || `exit code ${result.exitCode}`}`);
  }
  return result.stdout;
}
