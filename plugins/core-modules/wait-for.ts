import { z } from 'zod';
import { shQuote } from '../../core/connection/quote.js';
import { defineModule } from '../../core/plugin/define-plugin.js';
import { numberArg } from './common-args.js';

const waitForArgs = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z
      .union([z.number().int().min(1).max(65535), z.string().regex(/^\d+$/).transform(Number)])
      .optional(),
    path: z.string().min(1).optional(),
    state: z.enum(['started', 'stopped', 'present', 'absent']).default('started'),
    search_regex: z.string().optional(),
    delay: numberArg.default(0),
    timeout: numberArg.default(300),
    sleep: numberArg.default(1),
    connect_timeout: numberArg.default(5),
    msg: z.string().optional(),
  })
  .strict()
  .refine((a) => a.port === undefined || a.path === undefined, {
    message: 'port and path parameter can not both be passed to wait_for',
  })
  .refine((a) => a.state !== 'stopped' || a.path === undefined, {
    message: 'state=stopped should only be used for checking a port in the wait_for module',
  });

type WaitForArgs = z.infer<typeof waitForArgs>;

/**
 * `wait_for`: waits on the host for a port to open or close, a file to appear
 * (optionally containing `search_regex`) or go away, or just `timeout`
 * seconds when given neither. The loop runs on the host in one command, so a
 * long wait is one round trip. It never changes anything.
 */
export const waitFor = defineModule<WaitForArgs>({
  description: 'Wait for a port, a file or a string in a file on the host.',
  args: waitForArgs,
  supportsCheck: true,
  async run(ctx, args) {
    const started = Date.now();
    const result = await ctx.connection.exec(waitScript(args), {
      become: ctx.become,
      signal: ctx.signal,
      // The script bounds itself; this only guards against a host that stops answering.
      timeoutMs: (args.delay + args.timeout + args.connect_timeout + 30) * 1000,
    });
    const elapsed = Math.floor((Date.now() - started) / 1000);
    const data = {
      elapsed,
      state: args.state,
      ...(args.path ? { path: args.path } : {}),
      ...(args.port ? { port: args.port } : {}),
      ...(args.search_regex ? { search_regex: args.search_regex } : {}),
    };
    if (result.exitCode === 0) return { changed: false, data };
    if (result.exitCode === 3)
      return { changed: false, failed: true, msg: args.msg ?? timeoutMessage(args), data };
    return {
      changed: false,
      failed: true,
      msg: `wait_for could not run on the host: ${result.stderr.trim().split('\n').pop() || `exit code ${result.exitCode}`}`,
      data,
    };
  },
});

/** Ansible's wording (modules/wait_for.py), so scripts matching it keep working. */
export function timeoutMessage(a: WaitForArgs): string {
  if (a.port !== undefined) {
    if (a.state === 'stopped' || a.state === 'absent')
      return `Timeout when waiting for ${a.host}:${a.port} to stop.`;
    if (a.search_regex)
      return `Timeout when waiting for search string ${a.search_regex} in ${a.host}:${a.port}`;
    return `Timeout when waiting for ${a.host}:${a.port}`;
  }
  if (a.path !== undefined) {
    if (a.state === 'absent') return `Timeout when waiting for ${a.path} to be absent.`;
    if (a.search_regex) return `Timeout when waiting for search string ${a.search_regex} in ${a.path}`;
    return `Timeout when waiting for file ${a.path}`;
  }
  return 'Timeout';
}

/**
 * The host-side loop: exit 0 when the condition holds, 3 at the deadline.
 * A port is probed with bash's /dev/tcp, else nc, each bounded by
 * connect_timeout; a regex is matched with grep -E (extended regex).
 */
export function waitScript(a: WaitForArgs): string {
  const q = shQuote;
  const lines = [`sleep ${a.delay}`, `deadline=$(( $(date +%s) + ${Math.ceil(a.timeout)} ))`];
  if (a.port === undefined && a.path === undefined) {
    // Ansible sleeps for `timeout` and succeeds when there is nothing to wait on.
    return `sleep ${a.delay}; sleep ${a.timeout}`;
  }
  let check: string;
  if (a.port !== undefined) {
    const tcp = (body: string) =>
      `if command -v bash >/dev/null 2>&1; then timeout ${a.connect_timeout} bash -c ${q(`exec 3<>/dev/tcp/$0/$1${body}`)} ${q(a.host)} ${a.port}; else timeout ${a.connect_timeout} nc ${body ? '' : '-z '}${q(a.host)} ${a.port}${body ? ' </dev/null' : ''}; fi`;
    lines.push(`probe() { ${tcp('')} ; }`);
    if (a.search_regex) {
      lines.push(`read_port() { ${tcp('; cat <&3')} ; }`);
      check = `read_port 2>/dev/null | grep -Eq -- ${q(a.search_regex)}`;
    } else {
      check = 'probe >/dev/null 2>&1';
    }
    if (a.state === 'stopped' || a.state === 'absent') check = `! probe >/dev/null 2>&1`;
  } else {
    const p = q(a.path!);
    if (a.state === 'absent') check = `[ ! -e ${p} ]`;
    else if (a.search_regex) check = `[ -f ${p} ] && grep -Eq -- ${q(a.search_regex)} ${p}`;
    else check = `[ -e ${p} ]`;
  }
  lines.push(
    `while :; do`,
    `  if ${check}; then exit 0; fi`,
    `  if [ "$(date +%s)" -ge "$deadline" ]; then exit 3; fi`,
    `  sleep ${a.sleep}`,
    `done`,
  );
  return lines.join('\n');
}
