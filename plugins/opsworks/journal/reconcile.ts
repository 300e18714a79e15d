import type { Instance } from '@aws-sdk/client-opsworks';
import { isAlive } from '../../../core/journal/liveness.js';
import type { JournalRef, JournalStore } from '../../../core/journal/store.js';
import type { AgentState } from '../agent-state.js';
import {
  type IamDeps,
  pruneAccessKeys,
  removeAgentUser,
  userCreated,
  userHasKey,
} from '../credentials/iam-user.js';
import { type HostLeftovers, isOpen, parseJournal } from './records.js';

/** What an earlier run (crashed, killed, or unable to roll back) left open for one host. */
export interface PendingHost {
  ref: JournalRef;
  leftovers: HostLeftovers;
}

/**
 * Every unfinished journal of a stack but this run's own and those of runs
 * still alive (their hosts are theirs): host name -> what each left open.
 */
export async function loadPending(
  store: JournalStore,
  stack: string,
  ownRun: string,
  options: { force?: boolean } = {},
): Promise<Map<string, PendingHost[]>> {
  const pending = new Map<string, PendingHost[]>();
  for (const ref of await store.list(stack)) {
    if (ref.run === ownRun) continue;
    const summary = parseJournal(await store.read(ref));
    if (
      !options.force &&
      !summary.ended &&
      summary.header &&
      !ref.gone &&
      isAlive(summary.header, ref.heartbeatAt)
    )
      continue;
    for (const leftovers of summary.hosts.values()) {
      if (!isOpen(leftovers)) continue;
      const list = pending.get(leftovers.host) ?? [];
      list.push({ ref, leftovers });
      pending.set(leftovers.host, list);
    }
  }
  return pending;
}

/** A CreateUser whose outcome was never written made this user if it appeared after the intent. */
const CLOCK_SKEW_MS = 30_000;

export interface ReconcileDeps {
  iam: IamDeps;
  stackId: string;
  /** The stack's instances, listed now (not the play's cached list). */
  instances(): Promise<Instance[]>;
  deregister(instanceId: string): Promise<void>;
  /** Removes a temp dir name (under the host's $TMPDIR) on the host; false when the host could not. */
  removeTempDir?(name: string): Promise<boolean>;
}

export interface ReconcileOutcome {
  /** The earlier run's registration stands: the host's agent holds its key. */
  finished: boolean;
  done: string[];
  failed: string[];
}

/**
 * Finishes or undoes what an earlier run left for one host, from its journal
 * and what the host's agent holds. The host counts as finished when its agent
 * config (for this stack) holds an access key of a user that run made, or
 * names an instance that run registered: then that user stays (other keys of
 * it go) and so does the instance. Everything else the run made goes,
 * instances first (an IAM user is never deleted under a registered instance
 * it registered), then the IAM users, whatever they hold, then temp dirs.
 */
export async function reconcileHost(
  deps: ReconcileDeps,
  pending: PendingHost[],
  agent: AgentState,
): Promise<ReconcileOutcome> {
  const done: string[] = [];
  const failed: string[] = [];
  const mine = agent.present && agent.stackId === deps.stackId;
  let finished = false;
  const keep = new Set<string>();
  for (const { leftovers: l } of pending) {
    if (mine && agent.accessKeyId) {
      for (const u of l.users) {
        const known = l.keys.some((k) => k.user === u.name && k.accessKeyId === agent.accessKeyId);
        if (known || (await userHasKey(deps.iam, u.name, agent.accessKeyId))) keep.add(u.name);
      }
    }
    if (mine && agent.instanceId && l.instances.includes(agent.instanceId) && l.users.length === 0)
      finished = true;
  }
  if (keep.size > 0) finished = true;

  // Instances this run registered that the host's agent does not hold: deregister.
  const stale = new Set<string>();
  for (const { leftovers: l } of pending) {
    for (const id of l.instances) if (!(mine && agent.instanceId === id)) stale.add(id);
  }
  const unknown = pending.filter((p) => p.leftovers.registerUnknown);
  if (unknown.length > 0) {
    // boot-registration started but its output was never read: find what its users registered.
    const users = new Set(unknown.flatMap((p) => p.leftovers.users.map((u) => u.name)));
    for (const i of await deps.instances()) {
      if (!i.InstanceId || (mine && agent.instanceId === i.InstanceId)) continue;
      const by = i.RegisteredBy ?? '';
      if ([...users].some((u) => !keep.has(u) && by.endsWith(`/${u}`))) stale.add(i.InstanceId);
    }
  }
  for (const id of stale) {
    try {
      await deps.deregister(id);
      done.push(`deregistered instance ${id}`);
    } catch (error) {
      const name = (error as { name?: string }).name ?? '';
      if (/ResourceNotFound/.test(name)) continue;
      failed.push(`instance ${id} (${name || (error as Error).message})`);
    }
  }

  for (const { leftovers: l } of pending) {
    for (const u of l.users) {
      if (keep.has(u.name)) {
        if (agent.accessKeyId) {
          try {
            const removed = await pruneAccessKeys(deps.iam, u.name, agent.accessKeyId);
            done.push(...removed.map((r) => `deleted ${r} of ${u.name}`));
          } catch (error) {
            failed.push(`keys of ${u.name} (${(error as { name?: string }).name ?? error})`);
          }
        }
        continue;
      }
      if (!u.sure) {
        const created = await userCreated(deps.iam, u.name);
        if (!created || created.getTime() < Date.parse(u.at) - CLOCK_SKEW_MS) continue;
      }
      const result = await removeAgentUser(deps.iam, u.name);
      if (result.removed.length) done.push(...result.removed.map((r) => `deleted ${r}`));
      failed.push(...result.failed);
    }
    for (const name of l.tempDirs) {
      if (!deps.removeTempDir) {
        failed.push(`temp dir ${name} (host not contacted)`);
        continue;
      }
      if (await deps.removeTempDir(name)) done.push(`removed temp dir ${name}`);
      else failed.push(`temp dir ${name}`);
    }
  }
  return { finished, done, failed };
}
