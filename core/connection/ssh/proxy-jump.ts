import { splitShellWords, UnterminatedQuoteError } from '../../shell-words.js';

/**
 * Jump hosts from what Ansible users already write: `ansible_ssh_common_args`
 * with `-J hop`, `-o ProxyJump=hop` or the classic `-o ProxyCommand="ssh -W
 * %h:%p hop"`, or the `runner_ssh_jump` var. Pure parsing; a ProxyCommand we
 * cannot honour is an error rather than silently connecting directly.
 */
export interface JumpHop {
  user?: string;
  host: string;
  port: number;
}

export class ProxyJumpError extends Error {}

/** Splits a command line the way a POSIX shell would (quotes and backslashes; no expansion). */
export function splitArgs(text: string): string[] {
  try {
    return splitShellWords(text, { posixDoubleQuotes: true, strict: true });
  } catch (error) {
    if (error instanceof UnterminatedQuoteError)
      throw new ProxyJumpError(`unterminated ${error.quote} quote in ssh args`);
    throw error;
  }
}

/** The ProxyJump value found in ssh common args, or undefined (also for `ProxyJump=none`). */
export function jumpFromSshArgs(commonArgs: string | undefined): string | undefined {
  if (!commonArgs?.trim()) return undefined;
  const args = splitArgs(commonArgs);
  let found: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-J') found = args[++i];
    else if (arg.startsWith('-J')) found = arg.slice(2);
    else if (arg === '-o' || (arg.startsWith('-o') && arg.length > 2)) {
      const option = arg === '-o' ? (args[++i] ?? '') : arg.slice(2);
      const match = /^\s*(\w+)\s*(?:=|\s)\s*(.*)$/s.exec(option);
      if (!match) continue;
      const [, name, value] = match;
      if (/^proxyjump$/i.test(name)) found = value.trim();
      else if (/^proxycommand$/i.test(name)) found = jumpFromProxyCommand(value.trim());
    }
  }
  return found && found.toLowerCase() !== 'none' ? found : undefined;
}

/** `ssh [-q] [-p port] [-l user] -W %h:%p [user@]host` as a jump; anything else is refused. */
export function jumpFromProxyCommand(command: string): string | undefined {
  if (command.toLowerCase() === 'none') return undefined;
  const args = splitArgs(command);
  const refuse = () =>
    new ProxyJumpError(
      `unsupported ProxyCommand "${command}": only "ssh -W %h:%p [-p port] [user@]host" is understood`,
    );
  if (args.length === 0 || !/(^|\/)ssh$/.test(args[0])) throw refuse();
  let forward = false;
  let port: string | undefined;
  let user: string | undefined;
  let host: string | undefined;
  for (let i = 1; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-W') forward = args[++i] === '%h:%p';
    else if (arg === '-p') port = args[++i];
    else if (arg === '-l') user = args[++i];
    else if (/^-[qCTNv46]+$/.test(arg)) continue;
    else if (arg === '-o' || arg === '-i' || arg === '-F') i++;
    else if (arg.startsWith('-')) throw refuse();
    else if (host) throw refuse();
    else host = arg;
  }
  if (!forward || !host) throw refuse();
  const at = host.lastIndexOf('@');
  if (at >= 0) {
    user ??= host.slice(0, at);
    host = host.slice(at + 1);
  }
  const bracketed = host.includes(':') ? `[${host}]` : host;
  return `${user ? `${user}@` : ''}${bracketed}${port ? `:${port}` : ''}`;
}

/** `[user@]host[:port]`, `user@[v6]:port` or `ssh://user@host:port`, comma-separated, first hop first. */
export function parseJumpHops(value: string): JumpHop[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(parseHop);
}

function parseHop(raw: string): JumpHop {
  const text = raw.replace(/^ssh:\/\//, '');
  const at = text.lastIndexOf('@');
  const user = at >= 0 ? text.slice(0, at) : undefined;
  const rest = at >= 0 ? text.slice(at + 1) : text;
  let host = rest;
  let port = 22;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (v6) {
    host = v6[1];
    if (v6[2]) port = Number(v6[2]);
  } else if (/^[^:]+:\d+$/.test(rest)) {
    const i = rest.lastIndexOf(':');
    host = rest.slice(0, i);
    port = Number(rest.slice(i + 1));
  }
  if (!host || port < 1 || port > 65535 || (user !== undefined && user === '')) {
    throw new ProxyJumpError(`invalid jump host "${raw}"`);
  }
  return user ? { user, host, port } : { host, port };
}
