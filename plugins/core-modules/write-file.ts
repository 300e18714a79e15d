import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { shQuote } from '../../core/connection/quote.js';
import type { FileDiff } from '../../core/output/events.js';
import type { ModuleContext, ModuleResult } from '../../core/plugin/types.js';
import { formatMode, type ModeArg, parseMode } from './file-mode.js';
import { mustExec, type PathStat, sameId, statPath } from './remote-stat.js';

export interface WriteFileOptions {
  dest: string;
  mode?: ModeArg;
  owner?: string;
  group?: string;
  /** false: leave an existing dest alone, whatever its content. */
  force: boolean;
  backup: boolean;
  /** Name to use when dest is a directory (copy/template with `src`). */
  srcName?: string;
  /** Reported back as `src`. */
  src?: string;
}

/** New files get what Ansible's atomic_move gives under umask 022. */
const NEW_FILE_MODE = 0o644;

/**
 * Makes `dest` hold `content` with the wanted mode and owner, for `copy` and
 * `template`: read state (one stat with sha1), decide, act. The content is
 * written only when its sha1 differs, through the connection's atomic put;
 * attributes alone are fixed with chmod/chown. Under check mode nothing is
 * written and the prediction is the same decision.
 */
export async function writeFile(
  ctx: ModuleContext,
  content: Buffer,
  options: WriteFileOptions,
): Promise<ModuleResult> {
  let dest = options.dest;
  const checksum = createHash('sha1').update(content).digest('hex');
  if (dest.endsWith('/') && options.srcName) {
    // Ansible creates a dest given as a directory path (trailing slash).
    if (!ctx.check) await mustExec(ctx, `mkdir -p -- ${shQuote(dest)}`, `cannot create ${dest}`);
    dest = posix.join(dest, options.srcName);
  }
  let st = await statPath(ctx, dest, { follow: true, checksum: true });
  if (st.type === 'directory') {
    if (!options.srcName) return failed('can not use content with a dir as dest', dest);
    dest = posix.join(dest, options.srcName);
    st = await statPath(ctx, dest, { follow: true, checksum: true });
  }
  if (st.type === 'directory' || st.type === 'other') return failed(`${dest} exists and is not a file`, dest);
  const exists = st.type !== 'absent';
  if (!exists) {
    const parent = posix.dirname(dest);
    const dir = await statPath(ctx, parent, { follow: true });
    // Under check mode an earlier task may only have predicted the directory: Ansible predicts the write.
    if (dir.type !== 'directory' && !ctx.check) {
      return failed(`Destination directory ${parent} does not exist`, dest);
    }
  }
  const base = {
    dest,
    checksum,
    size: content.length,
    state: 'file',
    ...(options.src ? { src: options.src } : {}),
  };
  if (exists && !options.force) return { changed: false, data: { ...base, ...attrs(st) } };
  const wantMode = parseMode(options.mode);
  const contentChanged = !exists || st.checksum !== checksum;
  const modeChanged = wantMode !== undefined && exists && st.mode !== wantMode;
  const ownerChanged = exists && !sameId(options.owner, st.owner, st.uid);
  const groupChanged = exists && !sameId(options.group, st.group, st.gid);
  if (!contentChanged && !modeChanged && !ownerChanged && !groupChanged) {
    return { changed: false, data: { ...base, ...attrs(st) } };
  }
  const diff =
    ctx.diff && contentChanged
      ? { diff: [await contentDiff(ctx, dest, exists ? st.size : undefined, content, options.src)] }
      : {};
  if (ctx.check) {
    const mode = formatMode(wantMode ?? (exists ? st.mode : NEW_FILE_MODE));
    return { changed: true, data: { ...base, mode }, ...diff };
  }
  let backupFile: string | undefined;
  const chown = chownSpec(options.owner, options.group);
  if (contentChanged) {
    if (exists && options.backup) {
      const d = shQuote(dest);
      const script = `b=${d}.$$.$(date +%Y-%m-%d@%H:%M:%S~) && cp -p -- ${d} "$b" && echo "$b"`;
      backupFile = (await mustExec(ctx, script, `cannot back up ${dest}`)).trim();
    }
    await ctx.connection.put(content, dest, {
      mode: wantMode ?? (exists ? st.mode : NEW_FILE_MODE),
      owner: chown,
      become: ctx.become,
    });
  } else {
    const steps = [
      ...(modeChanged ? [`chmod ${formatMode(wantMode!)} -- ${shQuote(dest)}`] : []),
      ...(chown ? [`chown ${shQuote(chown)} -- ${shQuote(dest)}`] : []),
    ];
    await mustExec(ctx, steps.join(' && '), `cannot set attributes of ${dest}`);
  }
  const after = await statPath(ctx, dest, { follow: true });
  return {
    changed: true,
    data: { ...base, ...attrs(after), ...(backupFile ? { backup_file: backupFile } : {}) },
    ...diff,
  };
}

/** Ansible's default `max_diff_size`: larger files are not diffed. */
const MAX_DIFF_SIZE = 104_448;

/**
 * What `--diff` shows for a content change: the host's file as it is (read
 * before anything is written; absent is empty) against the new content, with
 * Ansible's words for what it does not diff (binary or too large).
 */
async function contentDiff(
  ctx: ModuleContext,
  dest: string,
  destSize: number | undefined,
  content: Buffer,
  src: string | undefined,
): Promise<FileDiff> {
  const headers = {
    ...(destSize !== undefined ? { beforeHeader: dest } : {}),
    ...(src ? { afterHeader: src } : {}),
  };
  const skip = (prepared: string): FileDiff => ({ before: '', after: '', ...headers, prepared });
  if (destSize !== undefined && destSize > MAX_DIFF_SIZE) {
    return skip(`diff skipped: destination file size is greater than ${MAX_DIFF_SIZE}`);
  }
  if (content.length > MAX_DIFF_SIZE)
    return skip(`diff skipped: source file size is greater than ${MAX_DIFF_SIZE}`);
  if (content.includes(0)) return skip('diff skipped: source file appears to be binary');
  let before = '';
  if (destSize !== undefined) {
    before = await mustExec(ctx, `cat -- ${shQuote(dest)}`, `cannot read ${dest}`);
    if (before.includes('\0')) return skip('diff skipped: destination file appears to be binary');
  }
  return { before, after: content.toString('utf8'), ...headers };
}

function failed(msg: string, dest: string): ModuleResult {
  return { changed: false, failed: true, msg, data: { dest } };
}

/** `owner:group`, `owner` or `:group` for chown; undefined when neither is wanted. */
export function chownSpec(owner?: string, group?: string): string | undefined {
  if (owner === undefined && group === undefined) return undefined;
  return `${owner ?? ''}${group !== undefined ? `:${group}` : ''}`;
}

/** The attributes Ansible reports for a file. */
export function attrs(st: PathStat): Record<string, unknown> {
  return { mode: formatMode(st.mode), owner: st.owner, group: st.group, uid: st.uid, gid: st.gid };
}
