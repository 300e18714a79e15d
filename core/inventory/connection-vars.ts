import { RunnerError } from '../errors.js';
import { type Secret, secret } from '../secret.js';
import type { Vars } from './types.js';

/**
 * The connection settings a host's vars ask for, with Ansible's legacy
 * aliases. When both names are set the current name wins over the alias
 * (`ansible_host` over `ansible_ssh_host`, `ansible_ssh_private_key_file`
 * over `ansible_private_key_file`), which is what users expect when they
 * migrate an inventory. Passwords come back as Secret so nothing prints them.
 * A pure function: the result has the same keys every time.
 */
export interface ConnectionVars {
  /** Where to connect: ansible_host, else the inventory name. */
  address: string | undefined;
  port: number | undefined;
  user: string | undefined;
  password: Secret | undefined;
  privateKeyFile: string | undefined;
  /** ansible_ssh_common_args, where ProxyJump / ProxyCommand live. */
  commonArgs: string | undefined;
  /** ansible_connection: ssh unless the inventory says otherwise (e.g. local). */
  connection: string;
  become: boolean;
  becomeMethod: string;
  becomeUser: string;
  becomePassword: Secret | undefined;
  becomeFlags: string | undefined;
}

function first(vars: Vars, names: string[]): unknown {
  for (const n of names) {
    const v = vars[n];
    if (v !== undefined && v !== null) return v;
  }
  return undefined;
}

function text(vars: Vars, names: string[]): string | undefined {
  const v = first(vars, names);
  if (v === undefined) return undefined;
  if (typeof v === 'object') {
    throw new RunnerError(
      'CONNECTION_OPTIONS_INVALID',
      `${names[0]} must be a string, got ${JSON.stringify(v)}`,
    );
  }
  return String(v);
}

function port(vars: Vars): number | undefined {
  const names = ['ansible_port', 'ansible_ssh_port'];
  const v = first(vars, names);
  if (v === undefined) return undefined;
  const n =
    typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new RunnerError(
      'CONNECTION_OPTIONS_INVALID',
      `ansible_port must be a port number (1-65535), got ${JSON.stringify(v)}`,
    );
  }
  return n;
}

/** Ansible's boolean(): the strings and numbers it accepts as true. */
export function ansibleBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1;
  if (typeof value === 'string')
    return ['y', 'yes', 'on', '1', 'true', 't'].includes(value.trim().toLowerCase());
  return false;
}

export function connectionVars(vars: Vars): ConnectionVars {
  const password = text(vars, ['ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password']);
  const becomePassword = text(vars, ['ansible_become_password', 'ansible_become_pass']);
  return {
    address: text(vars, ['ansible_host', 'ansible_ssh_host', 'inventory_hostname']),
    port: port(vars),
    user: text(vars, ['ansible_user', 'ansible_ssh_user']),
    password: password === undefined ? undefined : secret(password),
    privateKeyFile: text(vars, ['ansible_ssh_private_key_file', 'ansible_private_key_file']),
    commonArgs: text(vars, ['ansible_ssh_common_args']),
    connection: text(vars, ['ansible_connection']) ?? 'ssh',
    become: ansibleBoolean(first(vars, ['ansible_become'])),
    becomeMethod: text(vars, ['ansible_become_method']) ?? 'sudo',
    becomeUser: text(vars, ['ansible_become_user']) ?? 'root',
    becomePassword: becomePassword === undefined ? undefined : secret(becomePassword),
    becomeFlags: text(vars, ['ansible_become_flags']),
  };
}
