import type { InstanceInformation } from '@aws-sdk/client-ssm';
import { isAlive } from '../../core/journal/liveness.js';
import {
  type EffectRecord,
  type JournalRecord,
  type RunHeader,
  readRecords,
} from '../../core/journal/records.js';
import { Secret } from '../../core/secret.js';
import { ssmSdk } from './aws-sdk.js';
import type { SsmOptions } from './options.js';
import { type Activation, journalStack, MAX_REGISTRATION_LIMIT, type SsmPlay } from './play.js';

/** The tag that ties an activation (and the nodes this run registered) to its run. */
export const RUN_TAG = 'runner:run';

/** The journal's pseudo-host for what belongs to the play, not to one host (the shared activation). */
export const PLAY_HOST = '*';

/**
 * The activation a host registers with: the play's (registration limit = the
 * play's hosts, at most 1000 each), or the host's own with
 * `ssm_activation_per_host`. Made on first need (a run that finds every host
 * registered makes none), journaled (intent before CreateActivation, its ID
 * after), its code kept as a Secret and never written anywhere by runner.
 */
export function activationFor(play: SsmPlay, o: SsmOptions, host: string): Promise<Activation> {
  if (o.activationPerHost) return play.activations.get(`host:${host}`, () => create(play, o, host, 1));
  const slot = Math.floor(play.sharedUsers++ / MAX_REGISTRATION_LIMIT);
  const limit = Math.min(MAX_REGISTRATION_LIMIT, Math.max(1, play.fleetSize - slot * MAX_REGISTRATION_LIMIT));
  return play.activations.get(`play:${play.clientKey(o)}:${slot}`, () => create(play, o, PLAY_HOST, limit));
}

/**
 * A fresh activation for hosts whose registration was refused because the
 * one they had expired or reached its limit mid-run: made once per spent
 * activation (hosts failing on the same one share it), journaled and
 * deleted at the end like the first. Its limit is the play's hosts (or 1 per
 * host): an upper bound, since which hosts still need it is not known here.
 */
export function renewActivation(
  play: SsmPlay,
  o: SsmOptions,
  host: string,
  spent: Activation,
): Promise<Activation> {
  if (o.activationPerHost) return play.activations.get(`renew:${spent.id}`, () => create(play, o, host, 1));
  const limit = Math.min(MAX_REGISTRATION_LIMIT, Math.max(1, play.fleetSize));
  return play.activations.get(`renew:${spent.id}`, () => create(play, o, PLAY_HOST, limit));
}

/** Whether the agent's failed registration says its activation is spent (expired, or its limit reached). */
export function activationSpent(output: string): boolean {
  return /\bexpired\b|registration limit\b.*\breached|ActivationExpired|ActivationLimitExceeded/i.test(
    output,
  );
}

async function create(play: SsmPlay, o: SsmOptions, host: string, limit: number): Promise<Activation> {
  const client = play.client(o);
  const expires = new Date(Date.now() + o.activationMinutes * 60_000);
  const out = await play
    .journal(o)
    .forHost(host)
    .effect(
      'ssm.activation',
      { region: o.region, limit: String(limit) },
      () =>
        client.send(
          new (ssmSdk().CreateActivationCommand)({
            IamRole: o.iamRole,
            RegistrationLimit: limit,
            ExpirationDate: expires,
            Description: `runner register, run ${play.run}`,
            ...(o.defaultInstanceName ? { DefaultInstanceName: o.defaultInstanceName } : {}),
            Tags: [{ Key: RUN_TAG, Value: play.run }, ...o.tags],
          }),
        ),
      (made) => ({ activationId: made.ActivationId }),
    );
  if (!out.ActivationId || !out.ActivationCode) throw new Error('CreateActivation returned no activation');
  const activation: Activation = {
    id: out.ActivationId,
    code: new Secret(out.ActivationCode),
    region: o.region,
    clientKey: play.clientKey(o),
  };
  play.made.push(activation);
  return activation;
}

/** Deletes every activation this play made (at the play's end, whatever happened); one line per failure. */
export async function deleteActivations(play: SsmPlay): Promise<string[]> {
  const failed: string[] = [];
  const byKey = new Map<string, SsmOptions>();
  for (const r of play.hosts.values()) byKey.set(play.clientKey(r.options), r.options);
  for (const a of play.made.splice(0)) {
    const o = byKey.get(a.clientKey);
    if (!o) continue;
    try {
      await deleteActivation(play, o, a.id);
    } catch (error) {
      failed.push(
        `could not delete activation ${a.id}: ${awsLine(error)}; delete it with aws ssm delete-activation --activation-id ${a.id}`,
      );
    }
  }
  return failed;
}

async function deleteActivation(play: SsmPlay, o: SsmOptions, id: string): Promise<void> {
  await play
    .journal(o)
    .forHost(PLAY_HOST)
    .effect('ssm.activation-deleted', { activationId: id }, async () => {
      try {
        await play.client(o).send(new (ssmSdk().DeleteActivationCommand)({ ActivationId: id }));
      } catch (error) {
        // Already gone (expired activations stay listed until deleted; a deleted one is not found).
        if (!/InvalidActivation/.test((error as Error)?.name ?? '')) throw error;
      }
    });
}

/** Every managed node the controller can see in the region, listed once per play. */
export function listNodes(play: SsmPlay, o: SsmOptions): Promise<InstanceInformation[]> {
  return play.nodes.get(play.clientKey(o), async () => {
    const client = play.client(o);
    const nodes: InstanceInformation[] = [];
    let token: string | undefined;
    for (let page = 0; page < 10_000; page++) {
      const out = await client.send(
        new (ssmSdk().DescribeInstanceInformationCommand)({
          MaxResults: 50,
          ...(token ? { NextToken: token } : {}),
        }),
      );
      nodes.push(...(out.InstanceInformationList ?? []));
      token = out.NextToken;
      if (!token) break;
    }
    return nodes;
  });
}

/** Adds the tags a node lacks (ListTagsForResource, then one AddTagsToResource); the keys it added. */
export async function ensureTags(
  play: SsmPlay,
  o: SsmOptions,
  instanceId: string,
  tags: Array<{ Key: string; Value: string }>,
): Promise<string[]> {
  if (tags.length === 0) return [];
  const client = play.client(o);
  const have = await client.send(
    new (ssmSdk().ListTagsForResourceCommand)({ ResourceType: 'ManagedInstance', ResourceId: instanceId }),
  );
  const current = new Map((have.TagList ?? []).map((t) => [t.Key, t.Value]));
  const missing = tags.filter((t) => current.get(t.Key) !== t.Value);
  if (missing.length === 0) return [];
  await client.send(
    new (ssmSdk().AddTagsToResourceCommand)({
      ResourceType: 'ManagedInstance',
      ResourceId: instanceId,
      Tags: missing,
    }),
  );
  return missing.map((t) => t.Key);
}

/** What an earlier run's journal left: activations made and not deleted (by ID, or only intended). */
export interface Leftovers {
  header?: RunHeader;
  ended: boolean;
  activations: string[];
  /** CreateActivation intents with no outcome: found by their run tag. */
  unknown: number;
}

export function foldJournal(records: JournalRecord[]): Leftovers {
  const made = new Set<string>();
  let intents = 0;
  let ended = false;
  let header: RunHeader | undefined;
  let reconciled = false;
  for (const r of records) {
    if (r.type === 'run') header = r;
    else if (r.type === 'end') ended = true;
    else if (r.type === 'host' && r.host === PLAY_HOST && r.state === 'reconciled') reconciled = true;
    else if (r.type === 'intent' && r.op === 'ssm.activation') intents++;
    else if (r.type === 'done' && r.op === 'ssm.activation') {
      intents--;
      if ((r as EffectRecord).activationId) made.add(String((r as EffectRecord).activationId));
    } else if (r.type === 'failed' && r.op === 'ssm.activation') intents--;
    else if (r.type === 'done' && r.op === 'ssm.activation-deleted')
      made.delete(String((r as EffectRecord).activationId));
  }
  if (reconciled) return { ...(header ? { header } : {}), ended: true, activations: [], unknown: 0 };
  return { ...(header ? { header } : {}), ended, activations: [...made], unknown: Math.max(0, intents) };
}

/**
 * Once per play, before this run makes an activation: deletes what earlier
 * runs (killed, crashed) left in their journals for the region, skipping runs
 * still alive. An activation whose CreateActivation outcome was never written
 * is found by its run tag. Each journal reconciled gets a closing record.
 * Nodes those runs registered stay: their hosts' agents hold them, and this
 * run's state step finds them registered.
 */
export function reconcile(play: SsmPlay, o: SsmOptions): Promise<string[]> {
  return play.reconciled.get(play.clientKey(o), async () => {
    const journal = play.journal(o);
    const store = journal.store;
    const notes: string[] = [];
    for (const ref of await store.list(journalStack(o.region))) {
      if (ref.run === play.run) continue;
      const left = foldJournal(readRecords(await store.read(ref)).records);
      // `gone`: the store knows its writer stopped (a stale S3 heartbeat, or an earlier attempt of this shard).
      if (left.ended || (left.header && !ref.gone && isAlive(left.header, ref.heartbeatAt))) continue;
      const ids = new Set(left.activations);
      if (left.unknown > 0) for (const id of await taggedActivations(play, o, ref.run)) ids.add(id);
      for (const id of ids) {
        await deleteActivation(play, o, id);
        notes.push(`deleted activation ${id} left by run ${ref.run}`);
      }
      const stream = await store.open(ref.stack, ref.run, { foreign: true });
      const at = new Date().toISOString();
      await stream.append({ type: 'host', host: PLAY_HOST, state: 'reconciled', by: play.run, at });
      await stream.append({ type: 'end', at });
      await stream.close();
    }
    return notes;
  });
}

async function taggedActivations(play: SsmPlay, o: SsmOptions, run: string): Promise<string[]> {
  const client = play.client(o);
  const ids: string[] = [];
  let token: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const out = await client.send(
      new (ssmSdk().DescribeActivationsCommand)({ MaxResults: 50, ...(token ? { NextToken: token } : {}) }),
    );
    for (const a of out.ActivationList ?? [])
      if (a.ActivationId && (a.Tags ?? []).some((t) => t.Key === RUN_TAG && t.Value === run))
        ids.push(a.ActivationId);
    token = out.NextToken;
    if (!token) break;
  }
  return ids;
}

export function awsLine(error: unknown): string {
  const e = error as { name?: string; message?: string };
  return `${e?.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e?.message ?? String(error)}`.replace(
    /\s*\n\s*/g,
    ' ',
  );
}
