import { readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';

/**
 * `~` and `~user` at the start of a path, as Python's os.path.expanduser
 * (which Ansible uses for every path it reads): `~` is $HOME (else the
 * account's home), `~name` is that account's home from the passwd database;
 * an unknown name leaves the path as it was, so the error that follows names
 * what the user wrote. Only a leading tilde counts.
 */
export function expandHome(path: string): string {
  if (!path.startsWith('~')) return path;
  const slash = path.indexOf('/');
  const name = slash === -1 ? path.slice(1) : path.slice(1, slash);
  const rest = slash === -1 ? '' : path.slice(slash);
  const home = name === '' ? process.env.HOME || homedir() : homeOf(name);
  if (home === undefined) return path;
  // '~/' on a home of '/' must not become '//'.
  return home === '/' && rest.startsWith('/') ? rest : home.replace(/\/+$/, '') + rest;
}

function homeOf(name: string): string | undefined {
  try {
    if (userInfo().username === name) return userInfo().homedir;
  } catch {
    // No passwd entry for the current uid (containers): fall through to the file.
  }
  let text: string;
  try {
    text = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === name && fields.length >= 6) return fields[5];
  }
  return undefined;
}
