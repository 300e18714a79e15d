import type { BecomeSpec, ConnectionSpec } from '../connection/types.js';
import { RunnerError } from '../errors.js';
import { connectionVars } from '../inventory/connection-vars.js';
import type { Vars } from '../inventory/types.js';
import { Secret } from '../secret.js';

/** The connection kind a host uses: `ansible_connection`, ssh by default. */
export function connectionKind(vars: Vars): string {
  const kind = connectionVars(vars).connection;
  return kind === 'paramiko' || kind === 'smart' ? 'ssh' : kind;
}

function optionalText(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}

/**
 * A host's ConnectionSpec: Ansible's connection vars (aliases resolved by
 * connectionVars) plus the runner_* vars Ansible has no word for.
 */
export function connectionSpecFromVars(host: string, vars: Vars): ConnectionSpec {
  const c = connectionVars(vars);
  const passphrase = vars.runner_ssh_key_passphrase;
  return {
    host,
    address: c.address ?? host,
    port: c.port ?? 22,
    user: c.user,
    password: c.password,
    privateKeyFile: c.privateKeyFile,
    privateKeyPassphrase:
      passphrase === undefined || passphrase === null
        ? undefined
        : passphrase instanceof Secret
          ? passphrase
          : new Secret(String(passphrase)),
    commonArgs: c.commonArgs,
    jump: optionalText(vars.runner_ssh_jump),
    become: becomeFromVars(vars),
    vars,
  };
}

/** The become settings from host vars; the play and task decide whether to use them. */
export function becomeFromVars(vars: Vars): BecomeSpec {
  const c = connectionVars(vars);
  if (c.becomeMethod !== 'sudo' && c.becomeMethod !== 'su') {
    throw new RunnerError(
      'CONNECTION_OPTIONS_INVALID',
      `ansible_become_method "${c.becomeMethod}" is not supported (sudo, su)`,
    );
  }
  return {
    method: c.becomeMethod,
    user: vars.ansible_become_user === undefined ? undefined : c.becomeUser,
    password: c.becomePassword,
    flags: c.becomeFlags,
  };
}

/** Whether the host's vars ask for become (`ansible_become: yes`). */
export function becomeRequested(vars: Vars): boolean {
  return connectionVars(vars).become;
}
