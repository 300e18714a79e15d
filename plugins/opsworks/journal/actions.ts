import { RunnerError } from '../../../core/errors.js';
import { isAlive } from '../../../core/journal/liveness.js';
import { defaultJournalDir, type JournalRef, LocalJournalStore } from '../../../core/journal/store.js';
import { namedHosts } from '../../../core/output/format.js';
import type { AgentState } from '../agent-state.js';
import { opsworksSdk } from '../aws-sdk.js';
import type { RegisterOptions } from '../options.js';
import { RegisterPlay } from '../play-context.js';
import { loadPending, reconcileHost } from './reconcile.js';
import { type HostLeftovers, isOpen, parseJournal } from './records.js';

/**
 * What `runner journal list|show|reconcile` do (journal/cli.ts declares the
 * commands and loads this file when one runs): the register playbook's run
 * journals for operators. `reconcile` settles what dead runs left without contacting
 * the hosts (a host's agent config cannot be read from here): a host whose
 * instance stands registered by that run's IAM user keeps it and its key,
 * anything else that run made is removed; temp dirs stay for the next
 * `runner play register`, which removes them on contact.
 */
type Status = 'running' | 'ended' | 'crashed';

function statusOf(ref: JournalRef, summary: ReturnType<typeof parseJournal>): Status {
  if (summary.ended) return 'ended';
  return summary.header && isAlive(summary.header, ref.heartbeatAt) ? 'running' : 'crashed';
}

const openHosts = (hosts: Map<string, HostLeftovers>) => [...hosts.values()].filter(isOpen);

function describeHost(h: HostLeftovers): string {
  const parts = [
    ...h.users.map((u) => `user ${u.name}${u.sure ? '' : ' (maybe)'}`),
    ...h.keys.map((k) => `key ${k.accessKeyId}`),
    ...h.keysUnknown.map((u) => `key of ${u} (ID unknown)`),
    ...h.instances.map((i) => `instance ${i}`),
    ...(h.registerUnknown ? [`registration started as ${h.registerUnknown.hostname ?? '?'}`] : []),
    ...h.tempDirs.map((d) => `temp dir $TMPDIR/${d}`),
  ];
  return parts.length ? parts.join(', ') : 'nothing';
}

export interface JournalIo {
  out(text: string): void;
}

export interface JournalFlags {
  stackId?: string;
  dir?: string;
}

export interface ReconcileFlags {
  stackId: string;
  region?: string;
  endpointUrl?: string;
  profile?: string;
  force?: boolean;
  dir?: string;
}

/** `runner journal list`. */
export async function listJournals(io: JournalIo, opts: JournalFlags): Promise<void> {
  const store = new LocalJournalStore(opts.dir ?? defaultJournalDir());
  const refs = await store.list(opts.stackId);
  if (refs.length === 0) io.out(`no journals in ${store.location}\n`);
  for (const ref of refs) {
    const summary = parseJournal(await store.read(ref));
    const open = openHosts(summary.hosts);
    io.out(
      `${ref.stack}  ${ref.run}  ${statusOf(ref, summary)}  ${summary.hosts.size} hosts, ${open.length} open${open.length ? `: ${namedHosts(open.map((h) => h.host))}` : ''}\n`,
    );
  }
}

/** `runner journal show <run>`. */
export async function showJournal(io: JournalIo, run: string, opts: JournalFlags): Promise<void> {
  const store = new LocalJournalStore(opts.dir ?? defaultJournalDir());
  const ref = await findRun(store, run, opts.stackId);
  const summary = parseJournal(await store.read(ref));
  const h = summary.header;
  io.out(
    `run ${ref.run} on stack ${ref.stack}: ${statusOf(ref, summary)}${h ? ` (pid ${h.pid} on ${h.machine}, started ${h.at})` : ''}\n`,
  );
  io.out(`file ${ref.location}${summary.torn ? ` (${summary.torn} torn line skipped)` : ''}\n`);
  for (const host of [...summary.hosts.values()].sort((a, b) => a.host.localeCompare(b.host))) {
    const state = isOpen(host) ? 'open' : (host.settled ?? 'nothing made');
    io.out(`  ${host.host}: ${state}${isOpen(host) ? `: ${describeHost(host)}` : ''}\n`);
  }
}

/** `runner journal reconcile`. */
export async function reconcileJournals(io: JournalIo, opts: ReconcileFlags): Promise<void> {
  const o: RegisterOptions = {
    stackId: opts.stackId,
    infrastructureClass: 'on-premises',
    agentCredentials: 'iam-user',
    controllerCredentials: opts.profile ? 'profile' : 'default',
    layerIds: [],
    agentSource: 'url',
    wait: true,
    waitTimeoutMs: 600_000,
    local: false,
    ...(opts.region ? { region: opts.region } : {}),
    ...(opts.endpointUrl ? { endpointUrl: opts.endpointUrl } : {}),
    ...(opts.profile ? { profile: opts.profile } : {}),
    ...(opts.dir ? { journalDir: opts.dir } : {}),
  };
  const play = new RegisterPlay();
  const pending = await loadPending(play.ledger.journal(o).store, o.stackId, play.ledger.run, {
    force: opts.force,
  });
  if (pending.size === 0) {
    io.out(`nothing open on stack ${o.stackId}\n`);
    return;
  }
  const clients = play.clients.for(o);
  const instances = await play.aws.instances(o, true);
  let failures = 0;
  for (const [host, list] of pending) {
    // The host is not contacted: what it holds is inferred from the instance its run's user registered.
    const users = new Set(list.flatMap((p) => p.leftovers.users.map((u) => u.name)));
    const standing = instances.find(
      (i) => i.Status !== 'setup_failed' && [...users].some((u) => (i.RegisteredBy ?? '').endsWith(`/${u}`)),
    );
    const byUser = standing ? (standing.RegisteredBy ?? '').split('/').pop() : undefined;
    const keys = list.flatMap((p) => p.leftovers.keys.filter((k) => k.user === byUser));
    if (standing && keys.length !== 1) {
      io.out(
        `${host}: registered as ${standing.InstanceId} but its key is unknown here: left for the next play\n`,
      );
      failures++;
      continue;
    }
    const agent: AgentState = standing
      ? {
          present: true,
          stackId: o.stackId,
          instanceId: standing.InstanceId,
          accessKeyId: keys[0]!.accessKeyId,
        }
      : { present: false };
    const outcome = await reconcileHost(
      {
        iam: { iam: clients.iam, limiter: play.iamLimiter },
        stackId: o.stackId,
        instances: async () => instances,
        deregister: async (id) => {
          await clients.opsworks.send(new (opsworksSdk().DeregisterInstanceCommand)({ InstanceId: id }));
        },
      },
      list,
      agent,
    );
    const what = outcome.finished ? 'kept its registration' : 'rolled back';
    io.out(`${host}: ${what}${outcome.done.length ? `: ${outcome.done.join(', ')}` : ''}\n`);
    if (outcome.failed.length) {
      io.out(`${host}: left open: ${outcome.failed.join(', ')}\n`);
      failures++;
    } else await play.ledger.settlePending(o, host, list, what);
  }
  await play.ledger.endJournals();
  if (failures)
    throw new RunnerError(
      'RECONCILE_INCOMPLETE',
      `${failures} host(s) left open on stack ${o.stackId}: run "runner play register" on them to finish`,
    );
}

async function findRun(store: LocalJournalStore, run: string, stack?: string): Promise<JournalRef> {
  const matches = (await store.list(stack)).filter((r) => r.run === run || r.run.startsWith(run));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0)
    throw new RunnerError('USAGE', `no journal for run "${run}" in ${store.location}`);
  throw new RunnerError(
    'USAGE',
    `run "${run}" is ambiguous (${matches.length} journals): give more of it or --stack-id`,
  );
}
