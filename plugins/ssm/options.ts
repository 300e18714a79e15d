import type { Vars } from '../../core/inventory/types.js';
import { render } from '../../core/play/template.js';
import { boolVar, looseVar, OptionVarError } from '../../core/plugin/option-vars.js';
import type { RegistrationRequest } from '../../core/plugin/registration.js';

/**
 * One host's options for `register --service ssm`, read once from its vars
 * (play, inventory, `-e`; highest wins). docs/ssm.md lists each with its
 * `aws ssm` equivalent. The infrastructure class, controller credentials and
 * agent source share their names with OpsWorks' (`opsworks_*`), so one
 * inventory serves both services; `register_infrastructure_class` is the
 * neutral name.
 */
export type AgentPackage = 'auto' | 'deb' | 'rpm' | 'snap' | 'tarball';

export interface SsmOptions {
  /** `aws ssm create-activation --iam-role`. */
  iamRole: string;
  region: string;
  endpointUrl?: string;
  profile?: string;
  controllerCredentials: 'default' | 'profile' | 'env' | 'instance-role';
  /** Put on each managed node (and on the activation, beside `runner:run`). */
  tags: Array<{ Key: string; Value: string }>;
  /** `--default-instance-name`. */
  defaultInstanceName?: string;
  /** Register a host whose agent is registered elsewhere (another account or region). */
  reregister: boolean;
  /** Remove the agent package from a host whose registration failed. */
  removeAgentOnFailure: boolean;
  /** One activation (limit 1) per host instead of one for the play. */
  activationPerHost: boolean;
  /** How long the activation lives, in minutes (it is deleted at the run's end anyway). */
  activationMinutes: number;
  agentSource: 'url' | 'push';
  agentPackage: AgentPackage;
  /** Where the agent packages are: `<base>/<debian|linux>_<arch>/amazon-ssm-agent.<ext>`. */
  agentUrlBase: string;
  /** Probe HTTPS to the SSM endpoint from the host before registering (off for proxies and VPC endpoints the host resolves itself). */
  endpointCheck: boolean;
  waitTimeoutMs: number;
  journalDir?: string;
  request: RegistrationRequest;
}

export type SsmOptionsResult =
  | { ok: true; options: SsmOptions }
  | { ok: false; reason: string; key?: string };

/** A refused option; every message starts with the var it is about, which names `key` (for ctx.origin). */
class OptionError extends OptionVarError {
  constructor(message: string) {
    super(/^[a-z][a-z0-9_]*/.exec(message)?.[0], message);
  }
}

function str(vars: Vars, host: string, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = vars[key];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string')
      throw new OptionError(`${key} must be a string, got ${JSON.stringify(value)}: quote it`);
    const rendered = render(value, { ...vars, inventory_hostname: host });
    if (rendered === undefined || rendered === null || rendered === '') continue;
    if (typeof rendered !== 'string')
      throw new OptionError(`${key} must be a string, but "${value}" is not one`);
    if (rendered !== rendered.trim())
      throw new OptionError(`${key} has leading or trailing spaces: remove them`);
    return rendered;
  }
  return undefined;
}

function choice<T extends string>(
  value: string | undefined,
  key: string,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new OptionError(`${key} must be one of ${allowed.join(', ')} (got "${value}")`);
}

function positive(vars: Vars, key: string, host: string, fallback: number): number {
  const text = looseVar(vars, key, host);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0)
    throw new OptionError(`${key} must be a positive number (got "${text}")`);
  return n;
}

/** Tag keys and values as SSM takes them (AddTagsToResource: key 1-128, value 0-256 characters). */
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;

/** `ssm_tags` as a mapping (`{Env: prod}`) or `Key=Value,Key2=Value2`. */
export function parseTags(value: unknown): Array<{ Key: string; Value: string }> {
  if (value === undefined || value === null || value === '') return [];
  let pairs: Array<[string, string]>;
  if (typeof value === 'object' && !Array.isArray(value)) {
    pairs = Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v ?? '')]);
  } else if (typeof value === 'string') {
    pairs = value
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => {
        const at = p.indexOf('=');
        if (at <= 0) throw new OptionError(`ssm_tags: "${p}" is not Key=Value`);
        return [p.slice(0, at).trim(), p.slice(at + 1).trim()];
      });
  } else {
    throw new OptionError('ssm_tags must be a mapping (Key: Value) or "Key=Value,Key2=Value2"');
  }
  for (const [k, v] of pairs) {
    if (!TAG_KEY.test(k)) throw new OptionError(`ssm_tags: "${k}" is not a valid tag key`);
    if (k.toLowerCase().startsWith('aws:'))
      throw new OptionError(`ssm_tags: "${k}": the aws: prefix is reserved`);
    if (v.length > 256) throw new OptionError(`ssm_tags: the value of "${k}" is longer than 256 characters`);
  }
  return pairs.map(([Key, Value]) => ({ Key, Value }));
}

const DEFAULT_WAIT_S = 600;
const DEFAULT_ACTIVATION_MINUTES = 60;

export function readSsmOptions(
  vars: Vars,
  host: string,
  env: NodeJS.ProcessEnv = process.env,
): SsmOptionsResult {
  try {
    return { ok: true, options: readStrict(vars, host, env) };
  } catch (error) {
    if (error instanceof OptionVarError)
      return { ok: false, reason: error.message, ...(error.key ? { key: error.key } : {}) };
    throw error;
  }
}

function readStrict(vars: Vars, host: string, env: NodeJS.ProcessEnv): SsmOptions {
  const iamRole = str(vars, host, 'ssm_iam_role');
  if (!iamRole)
    throw new OptionError(
      'ssm_iam_role is required: the IAM service role the activation gives its nodes (--iam-role <role>)',
    );
  // --region sets opsworks_region: the flag names the API's region for either service.
  const region =
    str(vars, host, 'ssm_region', 'opsworks_region') ??
    env.AWS_REGION ??
    env.AWS_DEFAULT_REGION ??
    'us-east-1';
  const profile = str(vars, host, 'ssm_profile', 'opsworks_profile');
  const controllerCredentials = choice(
    str(vars, host, 'ssm_controller_credentials', 'opsworks_controller_credentials'),
    'ssm_controller_credentials',
    ['default', 'profile', 'env', 'instance-role'] as const,
    profile ? 'profile' : 'default',
  );
  if (controllerCredentials === 'profile' && !profile)
    throw new OptionError('ssm_controller_credentials is "profile" but ssm_profile is not set');
  const infrastructureClass = choice(
    str(vars, host, 'register_infrastructure_class', 'opsworks_infrastructure_class'),
    'register_infrastructure_class',
    ['on-premises', 'ec2'] as const,
    'on-premises',
  );
  const agentSource = choice(
    str(vars, host, 'ssm_agent_source', 'opsworks_agent_source'),
    'ssm_agent_source',
    ['url', 'push'] as const,
    'url',
  );
  const agentPackage = choice(
    str(vars, host, 'ssm_agent_package'),
    'ssm_agent_package',
    ['auto', 'deb', 'rpm', 'snap', 'tarball'] as const,
    'auto',
  );
  if (agentPackage === 'snap' && agentSource === 'push')
    throw new OptionError(
      'ssm_agent_package snap installs from the Snap Store: it cannot be pushed (ssm_agent_source=push)',
    );
  const defaultInstanceName = str(vars, host, 'ssm_default_instance_name');
  if (defaultInstanceName && defaultInstanceName.length > 256)
    throw new OptionError('ssm_default_instance_name is longer than 256 characters');
  const local = String(vars.ansible_connection ?? '') === 'local';
  const target = local
    ? looseVar(vars, 'ansible_host', host)
    : (looseVar(vars, 'ansible_host', host) ?? host);
  const ec2InstanceId = looseVar(vars, 'ec2_instance_id', host) ?? looseVar(vars, 'instance_id', host);
  return {
    iamRole,
    region,
    endpointUrl: str(vars, host, 'ssm_endpoint_url', 'opsworks_endpoint_url'),
    profile,
    controllerCredentials,
    tags: parseTags(vars.ssm_tags),
    defaultInstanceName,
    reregister: boolVar(vars, 'ssm_reregister', false),
    removeAgentOnFailure: boolVar(vars, 'ssm_remove_agent_on_failure', false),
    activationPerHost: boolVar(vars, 'ssm_activation_per_host', false),
    activationMinutes: positive(vars, 'ssm_activation_expiry_minutes', host, DEFAULT_ACTIVATION_MINUTES),
    agentSource,
    agentPackage,
    agentUrlBase:
      str(vars, host, 'ssm_agent_url_base') ??
      `https://s3.${region}.amazonaws.com/amazon-ssm-${region}/latest`,
    endpointCheck: boolVar(vars, 'ssm_endpoint_check', true),
    waitTimeoutMs: positive(vars, 'ssm_wait_timeout', host, DEFAULT_WAIT_S) * 1000,
    journalDir: str(vars, host, 'ssm_journal_dir', 'opsworks_journal_dir'),
    request: {
      host,
      infrastructureClass,
      local,
      ...(target ? { target } : {}),
      ...(ec2InstanceId ? { ec2InstanceId } : {}),
      agentCredentials: 'activation',
      agentSource,
    },
  };
}
