import { isRunnerError } from '../../core/errors.js';
import { defineModule } from '../../core/plugin/define-plugin.js';
import type { ModuleContext, ModuleDefinition, ModuleResult } from '../../core/plugin/types.js';
import { retryNotices } from '../../core/retry.js';
import { opsworksSdk } from './aws-sdk.js';
import { rollbackAgentUser } from './credentials/iam-user.js';
import { type OptionsResult, type RegisterOptions, readRegisterOptions } from './options.js';
import { type HostRecord, playOf, type RegisterPlay, type StackInfo } from './play-context.js';

/** Shared by the register modules: options per host, AWS error wording, rollback. */
export type Ready =
  | { ok: true; options: RegisterOptions; play: RegisterPlay }
  | { ok: false; result: ModuleResult };

/**
 * The host's register options, parsed and checked once per play (by the first
 * step or check that needs them) and kept typed; every later step reads the
 * same value.
 */
export function optionsOf(ctx: Pick<ModuleContext, 'vars' | 'host' | 'state'>): OptionsResult {
  const cache = playOf(ctx.state).options;
  let parsed = cache.get(ctx.host);
  if (!parsed) {
    parsed = readRegisterOptions(ctx.vars, ctx.host);
    cache.set(ctx.host, parsed);
  }
  return parsed;
}

export function ready(ctx: Pick<ModuleContext, 'vars' | 'host' | 'state'>): Ready {
  const parsed = optionsOf(ctx);
  if (!parsed.ok) return { ok: false, result: { changed: false, failed: true, msg: parsed.reason } };
  return { ok: true, options: parsed.options, play: playOf(ctx.state) };
}

export interface RegisterStep {
  description: string;
  /** Runs on the controller only (AWS calls): no connection is opened for it. */
  local?: boolean;
  run(ctx: ModuleContext, step: { options: RegisterOptions; play: RegisterPlay }): Promise<ModuleResult>;
}

/**
 * A step of the register playbook: the host's register options are read and
 * checked first (a host whose options are wrong fails here, saying why), then
 * the step runs with them and the play's shared context. Every step can say
 * what it would do under --check.
 */
export function registerStep(step: RegisterStep): ModuleDefinition<unknown> {
  return defineModule<unknown>({
    description: step.description,
    local: step.local,
    supportsCheck: true,
    async run(ctx) {
      const r = ready(ctx);
      if (!r.ok) return r.result;
      // A retried AWS call made for this step (even through a shared cache) is reported on this host.
      const result = await retryNotices.run(ctx.warn, () =>
        step.run(ctx, { options: r.options, play: r.play }),
      );
      await releaseWhenSettled(ctx, r.play, r.options, result);
      return result;
    },
  });
}

/**
 * A host's lock goes as soon as its registration is settled (registered,
 * found registered, or failed and rolled back), not at the end of the play:
 * another run waiting for this host must not wait for this run's other hosts.
 */
export async function releaseWhenSettled(
  ctx: Pick<ModuleContext, 'host'>,
  play: RegisterPlay,
  options: RegisterOptions,
  result: ModuleResult,
): Promise<void> {
  const record = play.ledger.host(ctx.host);
  if (!record.locked) return;
  const facts = result.data?.ansible_facts as { opsworks_registration?: Registration | null } | undefined;
  const already = facts?.opsworks_registration?.already === true;
  const settled =
    record.committed ||
    already ||
    (result.failed && !record.iam?.user && !record.instanceId && !record.bootInFlight);
  if (!settled) return;
  await play.ledger.locks(options).release(ctx.host);
  record.locked = false;
}

/** The stack (fetched once per play), or the failed result that names the call. */
export async function stackOrFailure(
  play: RegisterPlay,
  options: RegisterOptions,
): Promise<{ stack: StackInfo } | { failure: ModuleResult }> {
  try {
    return { stack: await play.aws.stack(options) };
  } catch (error) {
    return {
      failure: {
        changed: false,
        failed: true,
        msg: `DescribeStacks ${options.stackId}: ${awsMessage(error)}`,
      },
    };
  }
}

/** `Name: message`, one line; never the request (which could carry a secret). */
export function awsMessage(error: unknown): string {
  // Our own errors already read as one line; an AWS error's name is its code.
  if (isRunnerError(error)) return error.oneLine();
  const e = error as { name?: string; message?: string };
  const text = `${e?.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e?.message ?? String(error)}`;
  return text.replace(/\s*\n\s*/g, ' ');
}

export interface Registration {
  instance_id?: string;
  status?: string;
  /** Registered before this run: nothing was done for it. */
  already?: boolean;
}

/** The `opsworks_registration` fact, when a host is (or was) registered. */
export function registrationOf(vars: Record<string, unknown>): Registration | undefined {
  const value = vars.opsworks_registration;
  return value && typeof value === 'object' ? (value as Registration) : undefined;
}

export function alreadyRegistered(vars: Record<string, unknown>): Registration | undefined {
  const r = registrationOf(vars);
  return r?.already ? r : undefined;
}

/**
 * Undoes what this run made for a host that failed: the instance it
 * registered (deregistered) and its IAM entities (key, policies, group
 * membership, user). Returns one line for the host's result. Idempotent.
 */
export async function rollbackHost(
  play: RegisterPlay,
  options: RegisterOptions,
  record: HostRecord,
  opts: { deregister: boolean },
): Promise<string> {
  if (record.committed) return '';
  if (record.bootInFlight) {
    // The installer may have registered an instance with this user's key: deleting the user now
    // could break a registered host. The journal keeps it all; the next run reads the host's agent.
    record.rollbackFailed = true;
    return 'nothing rolled back: the registration outcome is unknown, the next run settles it from the journal';
  }
  const done: string[] = [];
  const failed: string[] = [];
  const clients = play.clients.for(options);
  if (opts.deregister && record.iam?.user) {
    // An instance the installer registered with this user's key before failing, whose ID was never read.
    try {
      const user = record.iam.user;
      for (const i of await play.aws.instances(options, true)) {
        if (
          i.InstanceId &&
          i.InstanceId !== record.instanceId &&
          (i.RegisteredBy ?? '').endsWith(`/${user}`)
        ) {
          await clients.opsworks.send(
            new (opsworksSdk().DeregisterInstanceCommand)({ InstanceId: i.InstanceId }),
          );
          play.aws.forget(i.InstanceId);
          done.push(`deregistered instance ${i.InstanceId}`);
        }
      }
    } catch (error) {
      failed.push(`instances registered by ${record.iam.user} (${awsMessage(error)})`);
    }
  }
  if (opts.deregister && record.instanceId) {
    try {
      await clients.opsworks.send(
        new (opsworksSdk().DeregisterInstanceCommand)({ InstanceId: record.instanceId }),
      );
      done.push(`deregistered instance ${record.instanceId}`);
      record.instanceId = undefined;
    } catch (error) {
      failed.push(`instance ${record.instanceId} (${awsMessage(error)})`);
    }
  }
  if (record.iam?.user && failed.length === 0) {
    const result = await rollbackAgentUser({ iam: clients.iam, limiter: play.iamLimiter }, record.iam);
    done.push(...result.removed.map((r) => `deleted ${r}`));
    failed.push(...result.failed);
    if (result.failed.length === 0) record.credentials = undefined;
  }
  if (done.length) record.rolledBack = [...(record.rolledBack ?? []), ...done];
  record.rollbackFailed = failed.length > 0;
  const parts = [
    done.length ? `rolled back: ${done.join(', ')}` : '',
    failed.length ? `could not roll back: ${failed.join(', ')}` : '',
  ].filter(Boolean);
  return parts.join('; ');
}

export function withRollback(msg: string, rollback: string): string {
  return rollback ? `${msg} (${rollback})` : msg;
}
