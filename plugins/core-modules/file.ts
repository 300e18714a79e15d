import { posix } from 'node:path';
import { z } from 'zod';
import { shQuote } from '../../core/connection/quote.js';
import type { FileDiff } from '../../core/output/events.js';
import { defineModule } from '../../core/plugin/define-plugin.js';
import type { ModuleContext, ModuleResult } from '../../core/plugin/types.js';
import { boolArg, idArg } from './common-args.js';
import { formatMode, modeArg, parseMode } from './file-mode.js';
import { mustExec, type PathStat, sameId, statPath } from './remote-stat.js';
import { attrs, chownSpec } from './write-file.js';

const fileArgs = z
  .object({
    path: z.string().min(1).optional(),
    dest: z.string().min(1).optional(),
    name: z.string().min(1).optional(),
    state: z.enum(['file', 'directory', 'touch', 'absent', 'link']).optional(),
    mode: modeArg,
    owner: idArg.optional(),
    group: idArg.optional(),
    src: z.string().min(1).optional(),
    recurse: boolArg.default(false),
    force: boolArg.default(false),
    follow: boolArg.default(true),
  })
  .strict()
  .refine((a) => [a.path, a.dest, a.name].filter((p) => p !== undefined).length === 1, {
    message: 'give "path" (or its alias "dest" or "name") exactly once',
  });

type FileArgs = z.infer<typeof fileArgs>;

/**
 * `file`: makes a path a file (that must exist), a directory, a touched file,
 * a symlink, or absent, with the wanted mode and owner. Reads the path's
 * state first and acts only on what differs, so a converged host reports ok
 * (except `touch`, which always updates the times and so always changes, as
 * in Ansible).
 */
export const file = defineModule<FileArgs>({
  description: 'Manage a file, directory or symlink and its attributes.',
  args: fileArgs,
  supportsCheck: true,
  async run(ctx, args) {
    const path = (args.path ?? args.dest ?? args.name)!;
    const prev = await statPath(ctx, path);
    const state =
      args.state ??
      (prev.type === 'directory' || (prev.type === 'absent' && args.recurse)
        ? 'directory'
        : prev.type === 'link'
          ? 'link'
          : 'file');
    const result = await ensure(ctx, path, prev, state, args);
    if (!ctx.diff || !result.changed || result.failed) return result;
    return { ...result, diff: [stateDiff(path, prev, state, parseMode(args.mode))] };
  },
});

function ensure(
  ctx: ModuleContext,
  path: string,
  prev: PathStat,
  state: NonNullable<FileArgs['state']>,
  args: FileArgs,
): Promise<ModuleResult> {
  switch (state) {
    case 'absent':
      return absent(ctx, path, prev);
    case 'directory':
      return ensureDirectory(ctx, path, prev, args);
    case 'touch':
      return touch(ctx, path, prev, args);
    case 'link':
      return ensureLink(ctx, path, prev, args);
    default:
      return ensureFile(ctx, path, prev, args);
  }
}

/**
 * What `--diff` shows for `file`, as Ansible's module returns it: the path, its
 * state when that changes and its mode when that changes, as sorted JSON.
 * (Owner and group changes are not shown.)
 */
function stateDiff(path: string, prev: PathStat, state: string, mode: number | undefined): FileDiff {
  const before: Record<string, unknown> = { path };
  const after: Record<string, unknown> = { path };
  const prevState = prev.type === 'other' ? 'file' : prev.type;
  if (prevState !== state) {
    before.state = prevState;
    after.state = state;
  }
  if (mode !== undefined && prev.type !== 'absent' && prev.mode !== mode) {
    before.mode = formatMode(prev.mode);
    after.mode = formatMode(mode);
  }
  return { before: sortedJson(before), after: sortedJson(after) };
}

/** Python's json.dumps(value, sort_keys=True, indent=4) and a newline, as Ansible serialises a diff. */
function sortedJson(value: Record<string, unknown>): string {
  const sorted = Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return `${JSON.stringify(sorted, null, 4)}\n`;
}

async function absent(ctx: ModuleContext, path: string, prev: PathStat): Promise<ModuleResult> {
  if (prev.type === 'absent') return { changed: false, data: { path, state: 'absent' } };
  if (!ctx.check) await mustExec(ctx, `rm -rf -- ${shQuote(path)}`, `cannot remove ${path}`);
  return { changed: true, data: { path, state: 'absent' } };
}

async function ensureFile(ctx: ModuleContext, path: string, prev: PathStat, args: FileArgs) {
  let current = prev;
  if (prev.type === 'link' && args.follow) current = await statPath(ctx, path, { follow: true });
  if (current.type !== 'file') {
    const what = current.type === 'absent' ? 'absent' : current.type;
    return fail(`file (${path}) is ${what}, cannot continue`, path);
  }
  return applyAttributes(ctx, path, current, args, false, 'file');
}

async function ensureDirectory(ctx: ModuleContext, path: string, prev: PathStat, args: FileArgs) {
  let current = prev.type === 'link' ? await statPath(ctx, path, { follow: true }) : prev;
  if (current.type === 'absent') {
    if (ctx.check) return { changed: true, data: { path, state: 'directory' } };
    await mustExec(ctx, `mkdir -p -- ${shQuote(path)}`, `cannot create ${path}`);
    current = await statPath(ctx, path);
    const result = await applyAttributes(ctx, path, current, args, args.recurse, 'directory');
    return { ...result, changed: true };
  }
  if (current.type !== 'directory') return fail(`${path} already exists as a ${current.type}`, path);
  return applyAttributes(ctx, path, current, args, args.recurse, 'directory');
}

async function touch(ctx: ModuleContext, path: string, prev: PathStat, args: FileArgs) {
  if (ctx.check) return { changed: true, data: { dest: path, path, state: 'touch' } };
  await mustExec(ctx, `touch -- ${shQuote(path)}`, `cannot touch ${path}`);
  const current = prev.type === 'absent' ? await statPath(ctx, path) : prev;
  const result = await applyAttributes(ctx, path, current, args, false, 'file');
  return { ...result, changed: true, data: { ...result.data, dest: path } };
}

async function ensureLink(ctx: ModuleContext, path: string, prev: PathStat, args: FileArgs) {
  const src = args.src ?? prev.linkTarget;
  if (src === undefined) return fail('src is required for creating new symlinks', path);
  const absrc = posix.isAbsolute(src) ? src : posix.join(posix.dirname(path), src);
  if (!args.force && (await statPath(ctx, absrc, { follow: true })).type === 'absent') {
    return fail(
      `src file does not exist, use "force=yes" if you really want to create the link: ${absrc}`,
      path,
    );
  }
  if (prev.type !== 'absent' && prev.type !== 'link' && !args.force) {
    return fail(`refusing to convert from ${prev.type} to symlink for ${path}`, path);
  }
  const data = { dest: path, path, src, state: 'link' };
  const relink = prev.type !== 'link' || prev.linkTarget !== src;
  const chown = chownSpec(args.owner, args.group);
  const ownerDiffers = !sameId(args.owner, prev.owner, prev.uid) || !sameId(args.group, prev.group, prev.gid);
  if (!relink && !ownerDiffers) return { changed: false, data };
  if (ctx.check) return { changed: true, data };
  const p = shQuote(path);
  const steps = [
    ...(relink && prev.type !== 'absent' && prev.type !== 'link' ? [`rm -rf -- ${p}`] : []),
    ...(relink ? [`ln -sfn -- ${shQuote(src)} ${p}`] : []),
    // The link itself, not its target (-h): a link's mode means nothing on Linux.
    ...(chown ? [`chown -h ${shQuote(chown)} -- ${p}`] : []),
  ];
  await mustExec(ctx, steps.join(' && '), `cannot link ${path}`);
  return { changed: true, data };
}

/** chmod/chown what differs; with `recurse`, everything beneath a directory too. */
async function applyAttributes(
  ctx: ModuleContext,
  path: string,
  current: PathStat,
  args: FileArgs,
  recurse: boolean,
  state: string,
): Promise<ModuleResult> {
  const want = parseMode(args.mode);
  const p = shQuote(path);
  let differs =
    (want !== undefined && current.mode !== want) ||
    !sameId(args.owner, current.owner, current.uid) ||
    !sameId(args.group, current.group, current.gid);
  if (!differs && recurse) {
    const tests = [
      ...(want !== undefined ? [`! -perm ${formatMode(want)}`] : []),
      ...(args.owner !== undefined ? [`! -user ${shQuote(args.owner)}`] : []),
      ...(args.group !== undefined ? [`! -group ${shQuote(args.group)}`] : []),
    ];
    if (tests.length > 0) {
      const out = await mustExec(
        ctx,
        `find ${p} \\( ${tests.join(' -o ')} \\) | head -n 1`,
        `cannot read ${path}`,
      );
      differs = out.trim() !== '';
    }
  }
  if (!differs) return { changed: false, data: { path, state, ...attrs(current), size: current.size } };
  if (ctx.check) return { changed: true, data: { path, state } };
  const R = recurse ? '-R ' : '';
  const chown = chownSpec(args.owner, args.group);
  const steps = [
    ...(want !== undefined ? [`chmod ${R}${formatMode(want)} -- ${p}`] : []),
    ...(chown ? [`chown ${R}${shQuote(chown)} -- ${p}`] : []),
  ];
  await mustExec(ctx, steps.join(' && '), `cannot set attributes of ${path}`);
  const after = await statPath(ctx, path);
  return { changed: true, data: { path, state, ...attrs(after), size: after.size } };
}

function fail(msg: string, path: string): ModuleResult {
  return { changed: false, failed: true, msg, data: { path } };
}
