import type { Vars } from '../../core/inventory/types.js';
import { render } from '../../core/play/template.js';
import { boolVar, looseVar, OptionVarError } from '../../core/plugin/option-vars.js';
import { type RegisterArgs, validateRegisterArgs } from './validate.js';

/**
 * The register options of one host, read from its vars (play vars, inventory
 * host and group vars, `-e`; highest wins as usual). Every option has an
 * `aws opsworks register` equivalent; docs/register.md lists them.
 */
export type InfrastructureClass = 'ec2' | 'on-premises';
export type AgentCredentials = 'iam-user' | 'instance-profile';
export type ControllerCredentials = 'default' | 'profile' | 'env' | 'instance-role';
export type AgentSource = 'url' | 'push';

export interface RegisterOptions {
  stackId: string;
  infrastructureClass: InfrastructureClass;
  /** `--override-hostname`: sent to the agent and used for IAM. */
  hostname?: string;
  privateIp?: string;
  publicIp?: string;
  agentCredentials: AgentCredentials;
  /** The OpsWorks API's region (`--region`), not the stack's. */
  region?: string;
  /** The OpsWorks API's endpoint (`--endpoint-url`). */
  endpointUrl?: string;
  profile?: string;
  controllerCredentials: ControllerCredentials;
  layerIds: string[];
  agentSource: AgentSource;
  wait: boolean;
  waitTimeoutMs: number;
  /** `--local`: register the machine runner runs on (`ansible_connection: local`). */
  local: boolean;
  /** The positional target: the host's address as the inventory gives it (absent in local mode). */
  target?: string;
  /** An EC2 instance ID given by the inventory (`ec2_instance_id` / `instance_id`), preferred as the ec2 target. */
  ec2InstanceId?: string;
  /** Where run journals and host locks live (`opsworks_journal_dir`, else $RUNNER_JOURNAL_DIR or ~/.runner/journal). */
  journalDir?: string;
}

/** A refused option names its var (`key`), so the error can say which file set it (see optionsCheck). */
export type OptionsResult =
  | { ok: true; options: RegisterOptions }
  | { ok: false; reason: string; key?: string };

const DEFAULT_WAIT_TIMEOUT_S = 600;

/** The var behind a CLI rule's refusal (its words stay the CLI's), so the error can name where it was set. */
const RULE_KEYS: [string, string][] = [
  ['Invalid hostname', 'opsworks_hostname'],
  ['--override-private-ip', 'opsworks_private_ip'],
  ['--override-public-ip', 'opsworks_public_ip'],
  ['--use-instance-profile', 'opsworks_agent_credentials'],
];

/** A value that is not what a string option may be: refused with the key named, as the AWS CLI's argparse would. */
class OptionError extends OptionVarError {
  declare readonly key: string;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null (an empty value or ~ in YAML)';
  if (typeof value === 'boolean')
    return `the boolean ${value} (YAML 1.1 reads unquoted yes/no/on/off/true/false as booleans)`;
  return `the ${typeof value} ${JSON.stringify(value)}`;
}

/**
 * A string option, strictly: an unquoted YAML boolean, number or null where a
 * string is meant is refused (`opsworks_hostname: off` must not become the
 * name "false"), and so are leading or trailing spaces (never trimmed away).
 */
function str(vars: Vars, key: string, host: string): string | undefined {
  if (!(key in vars)) return undefined;
  const value = vars[key];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string')
    throw new OptionError(key, `${key} must be a string, got ${describeValue(value)}: quote it`);
  const rendered = render(value, { ...vars, inventory_hostname: host });
  if (rendered === undefined || rendered === null || rendered === '') return undefined;
  if (typeof rendered !== 'string')
    throw new OptionError(key, `${key} must be a string, but "${value}" gives ${describeValue(rendered)}`);
  if (rendered !== rendered.trim())
    throw new OptionError(
      key,
      `${key} has leading or trailing spaces (${JSON.stringify(rendered)}): remove them`,
    );
  return rendered;
}

function choice<T extends string>(
  vars: Vars,
  key: string,
  host: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = str(vars, key, host);
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new OptionError(key, `${key} must be one of ${allowed.join(', ')} (got "${value}")`);
}

function list(vars: Vars, key: string, host: string): string[] {
  const value = vars[key];
  if (value === undefined || value === '') return [];
  if (Array.isArray(value)) {
    for (const v of value)
      if (typeof v !== 'string')
        throw new OptionError(key, `${key} must list strings, got ${describeValue(v)}`);
    return value.map((v) => String(v).trim()).filter(Boolean);
  }
  return (str(vars, key, host) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Reads and validates one host's options: type errors first (argparse's), then the CLI's rules in order. */
export function readRegisterOptions(
  vars: Vars,
  host: string,
  platform: string = process.platform,
): OptionsResult {
  try {
    return readStrict(vars, host, platform);
  } catch (error) {
    if (error instanceof OptionVarError)
      return { ok: false, reason: error.message, ...(error.key ? { key: error.key } : {}) };
    throw error;
  }
}

function readStrict(vars: Vars, host: string, platform: string): OptionsResult {
  const stackId = str(vars, 'opsworks_stack_id', host);
  if (!stackId) {
    return {
      ok: false,
      reason: 'opsworks_stack_id is required (set it with -e opsworks_stack_id=<id> or --stack-id)',
    };
  }
  const infrastructureClass = choice(
    vars,
    'opsworks_infrastructure_class',
    host,
    ['on-premises', 'ec2'] as const,
    'on-premises',
  );
  const agentCredentials = choice(
    vars,
    'opsworks_agent_credentials',
    host,
    ['iam-user', 'instance-profile'] as const,
    'iam-user',
  );
  const profile = str(vars, 'opsworks_profile', host);
  const controllerCredentials = choice(
    vars,
    'opsworks_controller_credentials',
    host,
    ['default', 'profile', 'env', 'instance-role'] as const,
    profile ? 'profile' : 'default',
  );
  if (controllerCredentials === 'profile' && !profile) {
    return {
      ok: false,
      reason: 'opsworks_controller_credentials is "profile" but opsworks_profile is not set',
    };
  }
  const agentSource = choice(vars, 'opsworks_agent_source', host, ['url', 'push'] as const, 'url');
  const wait = boolVar(vars, 'opsworks_wait', true);
  const timeoutText = looseVar(vars, 'opsworks_wait_timeout', host);
  const timeoutS = timeoutText === undefined ? DEFAULT_WAIT_TIMEOUT_S : Number(timeoutText);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) {
    throw new OptionError(
      'opsworks_wait_timeout',
      `opsworks_wait_timeout must be a positive number of seconds (got "${timeoutText}")`,
    );
  }
  const local = String(vars.ansible_connection ?? '') === 'local';
  // With local, an explicit ansible_host is a target too: the CLI refuses both together.
  const target = local
    ? looseVar(vars, 'ansible_host', host)
    : (looseVar(vars, 'ansible_host', host) ?? host);
  const options: RegisterOptions = {
    stackId,
    infrastructureClass,
    hostname: str(vars, 'opsworks_hostname', host),
    privateIp: str(vars, 'opsworks_private_ip', host),
    publicIp: str(vars, 'opsworks_public_ip', host),
    agentCredentials,
    region: str(vars, 'opsworks_region', host),
    endpointUrl: str(vars, 'opsworks_endpoint_url', host),
    profile,
    controllerCredentials,
    layerIds: list(vars, 'opsworks_layer_ids', host),
    agentSource,
    wait,
    waitTimeoutMs: timeoutS * 1000,
    local,
    target,
    ec2InstanceId: looseVar(vars, 'ec2_instance_id', host) ?? looseVar(vars, 'instance_id', host),
    journalDir: str(vars, 'opsworks_journal_dir', host),
  };
  const reason = validateRegisterArgs(toRegisterArgs(options, vars, host, platform));
  if (reason) {
    const key = RULE_KEYS.find(([start]) => reason.startsWith(start))?.[1];
    return { ok: false, reason, ...(key ? { key } : {}) };
  }
  if (str(vars, 'opsworks_override_ssh', host)) {
    return {
      ok: false,
      reason:
        "opsworks_override_ssh is not supported: runner connects with the inventory's SSH settings (ansible_user, ansible_ssh_private_key_file, ansible_ssh_common_args)",
    };
  }
  return { ok: true, options };
}

/** The CLI arguments these options stand for. */
export function toRegisterArgs(
  options: RegisterOptions,
  vars: Vars,
  host: string,
  platform: string,
): RegisterArgs {
  return {
    target: options.target,
    local: options.local,
    infrastructureClass: options.infrastructureClass,
    hostname: options.hostname,
    privateIp: options.privateIp,
    publicIp: options.publicIp,
    overrideSsh: str(vars, 'opsworks_override_ssh', host),
    sshUsername: str(vars, 'opsworks_override_ssh', host) ? looseVar(vars, 'ansible_user', host) : undefined,
    sshPrivateKey: str(vars, 'opsworks_override_ssh', host)
      ? looseVar(vars, 'ansible_ssh_private_key_file', host)
      : undefined,
    useInstanceProfile: options.agentCredentials === 'instance-profile',
    platform,
  };
}
