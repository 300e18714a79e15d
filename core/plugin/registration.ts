import { retryNotices } from '../retry.js';
import { definePlayState, type PlayState } from './play-state.js';
import type { ModuleContext, ModuleDefinition, ModuleResult } from './types.js';

/**
 * The registration-service seam. A registration playbook (`register`) is a
 * pipeline of parts that are separate plugins: the registration *service*
 * (OpsWorks Stacks today, SSM hybrid activations next), infrastructure classes
 * (how a target becomes an address and an identity), credential modes (whose
 * identity the controller and the agent use) and checks. The parts meet here,
 * in the core API, and never import each other: the service plugin binds
 * itself in the play's state (REGISTRATION), and the other parts find it there.
 */

export type InfrastructureClass = 'ec2' | 'on-premises';

/**
 * One host's request, parsed and validated once from its vars by the service
 * (the same typed value for every step and check, never re-read). Only what
 * the other parts need; the service keeps its own options beside it.
 */
export interface RegistrationRequest {
  host: string;
  infrastructureClass: InfrastructureClass;
  /** Register the machine runner runs on (`ansible_connection: local`). */
  local: boolean;
  /** The target as the inventory gives it (its address), absent in local mode. */
  target?: string;
  /** A hostname override, sent to the agent. */
  hostname?: string;
  privateIp?: string;
  publicIp?: string;
  /** An EC2 instance ID the inventory gives, preferred as the ec2 target. */
  ec2InstanceId?: string;
  /** The agent credential mode (`iam-user`, `instance-profile`, ...): the service decides what each makes. */
  agentCredentials: string;
  /** Deliver the installer by the host's own download (`url`) or from the controller (`push`). */
  agentSource: 'url' | 'push';
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Where hosts register (an OpsWorks stack; for SSM, the activation's region and role). */
export interface RegistrationContext {
  id: string;
  name: string;
  region: string;
  vpcId?: string;
  /** The service ties hosts to no VPC (SSM): an EC2 target may be in any network. */
  anyNetwork?: boolean;
  /** The agent installer every host downloads (url mode). */
  installerUrl: string;
}

/** What an infrastructure class resolved a target to. */
export interface RegistrationTarget {
  infrastructureClass: InfrastructureClass;
  /** The address the host is known by (runner connects where the inventory says). */
  address: string;
  /** The name the host's registration identity is made from (an IAM user, an activation's instance name). */
  identityName: string;
  /** Sent to the agent only when overridden. */
  hostname?: string;
  privateIp?: string;
  publicIp?: string;
  ec2InstanceId?: string;
  ec2PrivateIp?: string;
  ec2PublicIp?: string;
}

/** An SDK credential provider (the AWS SDK's CredentialProvider, by shape). */
export type CredentialProvider = () => Promise<{
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}>;

/** The controller's access to the cloud API, for parts that make their own clients (the EC2 lookup). */
export interface ControllerAccess {
  credentials?: CredentialProvider;
  /** A named profile the SDK reads its settings from. */
  profile?: string;
}

/** What a service's agent needs of a host: the shared checks word and judge with it. */
export interface AgentRequirements {
  /** Named in messages ("AWS OpsWorks", "AWS Systems Manager"). */
  product: string;
  /** The supported OS list in words, for the notice. */
  supportedOs: string;
  supportsOs(distribution: string, version: string): boolean;
  /** The agent needs libyaml (OpsWorks' Ruby agent does). */
  needsLibyaml: boolean;
  /** What sets the host up, for the OS-update reminder ("OpsWorks setup", "SSM registration"). */
  setup: string;
  /** Setup rewrites /etc/hosts and claims reserved mount points (OpsWorks' does). */
  setupRewritesHost: boolean;
}

/**
 * What a registration service does for each host. Each method is idempotent
 * per host and journals its side effects (intent before, outcome after) so a
 * crash is finished or undone by the next run.
 */
export interface RegistrationService {
  /** What `register_service` names it by (`opsworks`, `ssm`). */
  readonly name: string;
  /** For the shared checks; absent: the OpsWorks agent's (the checks' defaults). */
  readonly agent?: AgentRequirements;
  /** Parses and validates the host's options (cached per host for the play). */
  request(ctx: Pick<ModuleContext, 'host' | 'vars' | 'state'>): Parsed<RegistrationRequest>;
  /** Where the host registers, fetched once per play. */
  context(
    ctx: Pick<ModuleContext, 'host' | 'state'>,
    request: RegistrationRequest,
  ): Promise<RegistrationContext>;
  /**
   * The playbook's first step for a host: what the play registers with,
   * fetched or made once per play (an OpsWorks stack; an SSM activation), as
   * a result whose facts the playbook's `when:` may read.
   */
  prepare(ctx: ModuleContext, request: RegistrationRequest): Promise<ModuleResult>;
  /**
   * Is the host registered already (seen on the host and in the service)?
   * A registered host is reported ok and the later steps leave it alone
   * (`registered()` says so from then on); one registered elsewhere is refused.
   */
  state(ctx: ModuleContext, request: RegistrationRequest): Promise<ModuleResult>;
  /** Credentials for the controller's own calls (per the controller credential mode). */
  controller(ctx: Pick<ModuleContext, 'state'>, request: RegistrationRequest): ControllerAccess;
  /** True when the host is registered already (found before this run): later steps leave it alone. */
  registered(ctx: Pick<ModuleContext, 'host' | 'state'>): boolean;
  /** Makes what the agent registers with (an IAM user and key; an activation). */
  createCredentials(
    ctx: ModuleContext,
    request: RegistrationRequest,
    target: RegistrationTarget,
  ): Promise<ModuleResult>;
  /** Delivers and runs the installer with the credentials made for the host. */
  install(
    ctx: ModuleContext,
    request: RegistrationRequest,
    target: RegistrationTarget,
  ): Promise<ModuleResult>;
  /** Waits until the service reports the host registered. */
  wait(ctx: ModuleContext, request: RegistrationRequest): Promise<ModuleResult>;
  /** Undoes what this run made for a host that failed; one line saying what. */
  rollback(ctx: Pick<ModuleContext, 'host' | 'state'>, request: RegistrationRequest): Promise<string>;
  /** Told of each step's result (a service releases a host's lock once it is settled). */
  settled?(
    ctx: Pick<ModuleContext, 'host' | 'state'>,
    request: RegistrationRequest,
    result: ModuleResult,
  ): Promise<void>;
}

/** Controller credential modes (a credentials plugin contributes them): mode -> provider. */
export type ControllerCredentialModes = (mode: string, profile?: string) => CredentialProvider;

/** The parts of one play's registration, bound by the plugins that provide them. */
export interface RegistrationParts {
  /** Every service plugin binds itself by name; each host's `register_service` picks one. */
  readonly services: Map<string, RegistrationService>;
  controllerCredentials?: ControllerCredentialModes;
  /** Each host's resolved target (an infrastructure class's output). */
  readonly targets: Map<string, RegistrationTarget>;
}

export const REGISTRATION = definePlayState<RegistrationParts>('registration', () => ({
  services: new Map(),
  targets: new Map(),
}));

/** The service a host registers with when it names none. */
export const DEFAULT_SERVICE = 'opsworks';

/** Binds a service in the play (each service plugin, before the play's first step). */
export function bindService(state: PlayState, service: RegistrationService): void {
  const services = registrationParts(state).services;
  if (!services.has(service.name)) services.set(service.name, service);
}

/** The host's `register_service` (`--service`), or the default. */
export function serviceName(vars: Record<string, unknown>): string {
  const v = vars.register_service;
  return typeof v === 'string' && v.trim() ? v.trim() : DEFAULT_SERVICE;
}

/** The service a host's vars select, or the one line that says why there is none. */
export function serviceFor(
  parts: RegistrationParts,
  vars: Record<string, unknown>,
): { ok: true; service: RegistrationService } | { ok: false; reason: string } {
  const name = serviceName(vars);
  const service = parts.services.get(name);
  if (service) return { ok: true, service };
  const known = [...parts.services.keys()].sort().join(', ');
  return {
    ok: false,
    reason: known
      ? `register_service is "${name}", not a registration service of this play (known: ${known})`
      : 'no registration service in this play: a service plugin (opsworks, ssm) binds one before its first step',
  };
}

export function registrationParts(state: PlayState): RegistrationParts {
  return state.get(REGISTRATION);
}

/**
 * A step of a registration playbook contributed by a part other than the
 * service: it gets the play's service and the host's request (parsed once),
 * or fails saying what is missing; the service is told of its result.
 */
export function registrationStep(step: {
  description: string;
  local?: boolean;
  run(
    ctx: ModuleContext,
    r: { service: RegistrationService; request: RegistrationRequest; parts: RegistrationParts },
  ): Promise<ModuleResult>;
}): ModuleDefinition<unknown> {
  return {
    description: step.description,
    local: step.local,
    supportsCheck: true,
    async run(ctx) {
      const parts = registrationParts(ctx.state);
      const picked = serviceFor(parts, ctx.vars);
      if (!picked.ok) return { changed: false, failed: true, msg: picked.reason };
      const service = picked.service;
      const parsed = service.request(ctx);
      if (!parsed.ok) return { changed: false, failed: true, msg: parsed.reason };
      // A retried call made for this step is reported on this host.
      const result = await retryNotices.run(ctx.warn, () =>
        step.run(ctx, { service, request: parsed.value, parts }),
      );
      await service.settled?.(ctx, parsed.value, result);
      return result;
    },
  };
}

/**
 * The AWS CLI's naming (flow step 6 of `aws opsworks register`): the name the
 * registration identity is made from, and the hostname sent to the agent
 * (only when overridden). In a fleet the inventory name is the typed target.
 */
export function registrationNames(args: {
  hostname?: string;
  local: boolean;
  target?: string;
  localHostname: string;
}): { identityName: string; hostnameForAgent?: string } {
  if (args.hostname) return { identityName: args.hostname, hostnameForAgent: args.hostname };
  if (args.local) return { identityName: args.localHostname };
  return { identityName: args.target ?? '' };
}

/** The host's service and its parsed request, for checks (undefined when either is missing: the steps report why). */
export function hostRegistration(
  ctx: Pick<ModuleContext, 'host' | 'vars' | 'state'>,
): { service: RegistrationService; request: RegistrationRequest } | undefined {
  const picked = serviceFor(registrationParts(ctx.state), ctx.vars);
  if (!picked.ok) return undefined;
  const parsed = picked.service.request(ctx);
  return parsed.ok ? { service: picked.service, request: parsed.value } : undefined;
}
