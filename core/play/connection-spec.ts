import { createHash } from 'node:crypto';
import type { BecomeSpec, ConnectionSpec } from '../connection/types.js';
import { RunnerError } from '../errors.js';
import { expandHome } from '../expand-home.js';
import { connectionVars } from '../inventory/connection-vars.js';
import type { Vars } from '../inventory/types.js';
import { Secret } from '../secret.js';
import { render } from './template.js';

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
    privateKeyFile: c.privateKeyFile === undefined ? undefined : expandHome(c.privateKeyFile),
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

/** The vars that decide how a host is reached; only these are rendered for the connection. */
const CONNECTION_VAR =
  /^(ansible_(connection|host|ssh_host|port|ssh_port|user|ssh_user|password|ssh_pass|ssh_password|ssh_private_key_file|private_key_file|ssh_common_args|become\w*)|runner_\w+)$/;

export interface PlannedConnection {
  /** The connection kind (ssh, local, ...). */
  kind: string;
  spec: ConnectionSpec;
  /**
   * What the connection depends on, to tell whether an open connection still
   * fits the task's vars. Secrets enter only as a hash.
   */
  key: string;
}

/**
 * The connection for one task, from the host's final vars for that task
 * (inventory < play vars < vars_files < set_fact/registered < task vars < -e),
 * as Ansible builds its connection per task from the play context. Connection
 * vars may be templates (`ansible_host: "{{ ip }}"`).
 */
export function planConnection(
  host: string,
  taskVars: Vars,
  defaults?: { password?: Secret },
): PlannedConnection {
  const vars: Vars = { ...taskVars };
  for (const key of Object.keys(taskVars)) {
    const value = taskVars[key];
    if (typeof value === 'string' && CONNECTION_VAR.test(key)) {
      vars[key] = render(value, { ...taskVars, inventory_hostname: host });
    }
  }
  const kind = connectionKind(vars);
  const spec = connectionSpecFromVars(host, vars);
  spec.password ??= defaults?.password;
  const digest = (s: Secret | undefined) =>
    s === undefined ? '' : createHash('sha256').update(s.reveal()).digest('hex');
  const key = JSON.stringify([
    kind,
    spec.address,
    spec.port,
    spec.user ?? '',
    spec.privateKeyFile ?? '',
    spec.commonArgs ?? '',
    spec.jump ?? '',
    digest(spec.password),
    digest(spec.privateKeyPassphrase),
  ]);
  return { kind, spec, key };
}
