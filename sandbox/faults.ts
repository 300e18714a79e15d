import { z } from 'zod';
import { AWS_SERVICES, type AwsService } from './aws/types.js';

/**
 * Fault knobs: what the sandbox does wrong on purpose, so tests can drive the
 * runner through throttling, latency, denied permissions, failed
 * registrations and broken hosts. Settable at start and at run time (API and
 * the admin route); every throttling decision is reproducible when a seed or
 * an every-Nth rule is given.
 */
const throttleRule = z
  .object({
    /** Share of calls to throttle, 0..1. Random unless `seed` is set. */
    rate: z.number().min(0).max(1).optional(),
    /** Seed for a reproducible sequence of `rate` decisions. */
    seed: z.number().int().optional(),
    /** Throttle the Nth, 2Nth, ... matching call (deterministic). */
    everyNth: z.number().int().min(1).optional(),
    /** Only these operations (e.g. `RegisterInstance`, `GetObject`); all when absent. */
    operations: z.array(z.string()).optional(),
  })
  .strict();

const serviceMap = <T extends z.ZodType>(value: T) =>
  z
    .object(
      Object.fromEntries(AWS_SERVICES.map((s) => [s, value.optional()])) as Record<
        AwsService,
        z.ZodOptional<T>
      >,
    )
    .strict();

export const faultsSchema = z
  .object({
    throttle: serviceMap(throttleRule),
    latencyMs: serviceMap(z.number().int().min(0).max(60_000)),
    /** AttachUserPolicy answers AccessDenied (drives the inline-policy fallback). */
    denyAttachUserPolicy: z.boolean(),
    /** Further actions denied to every caller, e.g. `iam:PutUserPolicy`. */
    denyActions: z.array(z.string()),
    /** Hostnames (as sent in RegisterInstance) whose registration is refused. */
    failRegistration: z.array(z.string()),
    /** Hostnames or EC2 instance IDs whose instance ends in `setup_failed` instead of `registered`. */
    setupFailed: z.array(z.string()),
    /** Sandbox host names that refuse SSH connections. */
    hostsDown: z.array(z.string()),
    /** Sandbox host names whose SSH connection drops in the middle of a command. */
    hostsVanish: z.array(z.string()),
    /** Sandbox host names that refuse every authentication method. */
    authRefused: z.array(z.string()),
    /** Sandbox host names that accept TCP connections but never send the SSH banner. */
    noBanner: z.array(z.string()),
    /** Sandbox host names that present a new host key (a reinstalled host, or a man in the middle). */
    changedHostKey: z.array(z.string()),
    /**
     * The host vanishes once a command line containing `command` starts (exec, or a line its
     * shell reads): it goes silent, as a host that lost power does. Its processes die, its
     * connections stall without closing, new ones get no banner, until the knob is cleared.
     */
    vanishDuring: z.array(z.object({ host: z.string(), command: z.string().min(1) }).strict()),
    /** The host vanishes (as above) when an SFTP write to a path containing `path` (any path when absent) arrives. */
    vanishOnUpload: z.array(z.object({ host: z.string(), path: z.string().optional() }).strict()),
    /** The next N fetches of the agent installer fail with 500 InternalError; `always` fails every one. */
    installerFetchFailures: z.union([z.number().int().min(0), z.literal('always')]),
    /**
     * The next N requests to any EC2-class host's metadata service have their connection closed
     * without an answer (as a kept-alive socket the service dropped): an agent's network failure.
     */
    metadataDrops: z.number().int().min(0),
    /** SSM activations (by ID, or `all`) that count as expired now, whatever their ExpirationDate. */
    ssmExpireActivations: z.union([z.literal('all'), z.array(z.string())]),
    /** SSM activations (by ID, or `all`) whose registration limit counts as reached. */
    ssmLimitReached: z.union([z.literal('all'), z.array(z.string())]),
    /** Sandbox host names whose agent's RegisterManagedInstance is refused. */
    ssmRefuseRegistration: z.array(z.string()),
    /**
     * Once this many more RegisterManagedInstance calls have succeeded, every activation that exists
     * then counts as expired (`expired`) or at its limit (`limit`) from then on; activations made
     * later do not. One-shot: the knob clears itself when it fires (a mid-run expiry, without timing).
     */
    ssmSpendAfter: z
      .object({ registrations: z.number().int().min(1), as: z.enum(['expired', 'limit']) })
      .strict()
      .nullable(),
  })
  .strict();

export type ThrottleRule = z.infer<typeof throttleRule>;
export type Faults = z.infer<typeof faultsSchema>;
export type FaultsInput = Partial<Faults>;

export function noFaults(): Faults {
  return {
    throttle: {},
    latencyMs: {},
    denyAttachUserPolicy: false,
    denyActions: [],
    failRegistration: [],
    setupFailed: [],
    hostsDown: [],
    hostsVanish: [],
    authRefused: [],
    noBanner: [],
    changedHostKey: [],
    vanishDuring: [],
    vanishOnUpload: [],
    installerFetchFailures: 0,
    metadataDrops: 0,
    ssmExpireActivations: [],
    ssmLimitReached: [],
    ssmRefuseRegistration: [],
    ssmSpendAfter: null,
  };
}

/** Parses untrusted input (the admin route's JSON) into a partial fault set. */
export function parseFaultsInput(value: unknown): FaultsInput {
  return faultsSchema.partial().parse(value);
}

/** mulberry32: a tiny seeded PRNG, enough for reproducible throttling. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultController {
  #faults: Faults = noFaults();
  #counters = new Map<AwsService, number>();
  #random = new Map<AwsService, () => number>();
  #listeners: Array<(faults: Faults) => void> = [];

  constructor(initial: FaultsInput = {}) {
    this.set(initial);
  }

  get(): Faults {
    return structuredClone(this.#faults);
  }

  /** Merges the given knobs (each top-level key replaced as a whole) and restarts throttle sequences. */
  set(partial: FaultsInput): Faults {
    const next = faultsSchema.parse({ ...this.#faults, ...structuredClone(partial) });
    this.#faults = next;
    this.#counters.clear();
    this.#random.clear();
    for (const listener of this.#listeners) listener(this.get());
    return this.get();
  }

  replace(faults: FaultsInput): Faults {
    this.#faults = noFaults();
    return this.set(faults);
  }

  onChange(listener: (faults: Faults) => void): void {
    this.#listeners.push(listener);
  }

  shouldThrottle(service: AwsService, operation: string): boolean {
    const rule = this.#faults.throttle[service];
    if (!rule) return false;
    if (rule.operations && !rule.operations.includes(operation)) return false;
    const count = (this.#counters.get(service) ?? 0) + 1;
    this.#counters.set(service, count);
    if (rule.everyNth !== undefined) return count % rule.everyNth === 0;
    if (rule.rate === undefined) return false;
    let random = this.#random.get(service);
    if (!random) {
      random = rule.seed === undefined ? Math.random : seeded(rule.seed);
      this.#random.set(service, random);
    }
    return random() < rule.rate;
  }

  latencyMs(service: AwsService): number {
    return this.#faults.latencyMs[service] ?? 0;
  }

  isDenied(action: string): boolean {
    if (this.#faults.denyAttachUserPolicy && action === 'iam:AttachUserPolicy') return true;
    return this.#faults.denyActions.some((a) => a.toLowerCase() === action.toLowerCase());
  }

  registrationFails(hostname: string): boolean {
    return this.#faults.failRegistration.some((h) => h.toLowerCase() === hostname.toLowerCase());
  }

  setupFails(hostname: string, ec2InstanceId?: string): boolean {
    return this.#faults.setupFailed.some(
      (h) =>
        h.toLowerCase() === hostname.toLowerCase() || (ec2InstanceId !== undefined && h === ec2InstanceId),
    );
  }

  hostDown(name: string): boolean {
    return this.#faults.hostsDown.includes(name);
  }

  hostVanishes(name: string): boolean {
    return this.#faults.hostsVanish.includes(name);
  }

  authRefused(name: string): boolean {
    return this.#faults.authRefused.includes(name);
  }

  noBanner(name: string): boolean {
    return this.#faults.noBanner.includes(name);
  }

  hostKeyChanged(name: string): boolean {
    return this.#faults.changedHostKey.includes(name);
  }

  /** Whether this command line, starting on this host, makes it vanish. */
  vanishesOnCommand(name: string, command: string): boolean {
    return this.#faults.vanishDuring.some((v) => v.host === name && command.includes(v.command));
  }

  /** Whether a write to this path on this host makes it vanish. */
  vanishesOnUpload(name: string, path: string): boolean {
    return this.#faults.vanishOnUpload.some(
      (v) => v.host === name && (v.path === undefined || path.includes(v.path)),
    );
  }

  /** Whether the host has a knob that makes it vanish at some point (cleared knob: it is back). */
  mayVanish(name: string): boolean {
    return (
      this.#faults.vanishDuring.some((v) => v.host === name) ||
      this.#faults.vanishOnUpload.some((v) => v.host === name)
    );
  }

  /** Counts one fetch of the agent installer down; true when this one must fail. */
  installerFetchFails(): boolean {
    const left = this.#faults.installerFetchFailures;
    if (left === 'always') return true;
    if (left <= 0) return false;
    this.#faults.installerFetchFailures = left - 1;
    return true;
  }

  activationExpired(activationId: string): boolean {
    const knob = this.#faults.ssmExpireActivations;
    return knob === 'all' || knob.includes(activationId);
  }

  activationLimitReached(activationId: string): boolean {
    const knob = this.#faults.ssmLimitReached;
    return knob === 'all' || knob.includes(activationId);
  }

  /**
   * Counts one successful SSM registration toward `ssmSpendAfter`; when it fires, the activations
   * existing now join `ssmExpireActivations` or `ssmLimitReached` and the knob clears itself.
   */
  ssmRegistered(existingActivationIds: string[]): void {
    const knob = this.#faults.ssmSpendAfter;
    if (!knob) return;
    if (knob.registrations > 1) {
      this.#faults.ssmSpendAfter = { ...knob, registrations: knob.registrations - 1 };
      return;
    }
    const key = knob.as === 'expired' ? 'ssmExpireActivations' : 'ssmLimitReached';
    const list = this.#faults[key];
    this.set({
      ssmSpendAfter: null,
      [key]: list === 'all' ? 'all' : [...new Set([...list, ...existingActivationIds])],
    });
  }

  ssmRegistrationRefused(host: string): boolean {
    return this.#faults.ssmRefuseRegistration.includes(host);
  }

  /** Counts one metadata request down; true when this one must be dropped unanswered. */
  metadataRequestDropped(): boolean {
    if (this.#faults.metadataDrops <= 0) return false;
    this.#faults.metadataDrops -= 1;
    return true;
  }
}
