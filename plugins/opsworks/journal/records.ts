import {
  type EffectRecord,
  type HostState,
  type JournalRecord,
  type RunHeader,
  readRecords,
} from '../../../core/journal/records.js';

/**
 * The ops OpsWorks registration journals (IAM, temp dirs on the host, the
 * instance), and the pure fold that turns a journal back into what each host
 * has left behind.
 */
export type JournalOp =
  | 'iam.group'
  | 'iam.user'
  | 'iam.group-membership'
  | 'iam.managed-policy'
  | 'iam.inline-policy'
  | 'iam.access-key'
  | 'host.temp-dir'
  | 'host.temp-dir-removed'
  | 'opsworks.register'
  | 'opsworks.deregister';

/** The fields OpsWorks' ops carry (core/journal/records.ts has the record shapes). */
export interface OpsworksEffect extends EffectRecord {
  op: JournalOp;
  /** IAM user name, for every iam.* op but the group. */
  user?: string;
  group?: string;
  accessKeyId?: string;
  instanceId?: string;
  /** A path on the host (host.temp-dir). */
  path?: string;
  /** What the agent registers as (opsworks.register): finds an instance whose ID was never read. */
  hostname?: string;
}

/** What one run may have left on one host, as far as its journal tells. */
export interface HostLeftovers {
  host: string;
  /** IAM users made for it; `sure` false when CreateUser's outcome was never written. */
  users: { name: string; sure: boolean; at: string }[];
  /** Access keys known by ID, per user. */
  keys: { user: string; accessKeyId: string }[];
  /** CreateAccessKey started for this user but its key ID was never written. */
  keysUnknown: string[];
  inlinePolicies: string[];
  managedPolicies: string[];
  groups: { user: string; group: string }[];
  /** Temp dirs on the host not known to be removed. */
  tempDirs: string[];
  /** Instances registered (ID known). */
  instances: string[];
  /** boot-registration started but its instance ID was never read: the hostname it registers as. */
  registerUnknown?: { hostname?: string; at: string };
  settled?: HostState;
}

export interface JournalSummary {
  header?: RunHeader;
  ended: boolean;
  hosts: Map<string, HostLeftovers>;
  /** Malformed lines (a torn last write after a crash): skipped, counted. */
  torn: number;
}

export function parseJournal(text: string): JournalSummary {
  const { records, torn } = readRecords(text);
  const summary = foldJournal(records);
  summary.torn = torn;
  return summary;
}

function leftovers(host: string): HostLeftovers {
  return {
    host,
    users: [],
    keys: [],
    keysUnknown: [],
    inlinePolicies: [],
    managedPolicies: [],
    groups: [],
    tempDirs: [],
    instances: [],
  };
}

const remove = <T>(list: T[], keep: (item: T) => boolean) => {
  const kept = list.filter(keep);
  list.length = 0;
  list.push(...kept);
};

/** Replays records in order; a later `host` record settles everything before it. */
export function foldJournal(records: JournalRecord[]): JournalSummary {
  const hosts = new Map<string, HostLeftovers>();
  let header: RunHeader | undefined;
  let ended = false;
  const of = (host: string) => {
    let h = hosts.get(host);
    if (!h) {
      h = leftovers(host);
      hosts.set(host, h);
    }
    return h;
  };
  for (const r of records) {
    if (r.type === 'run') header = r;
    else if (r.type === 'end') ended = true;
    else if (r.type === 'host') {
      const h = of(r.host);
      // Committed or rolled back by its own run: IAM and instances are settled, temp dirs
      // not yet known removed stay for the next contact. Reconciled by a later run: all done.
      const tempDirs = r.state === 'reconciled' ? [] : h.tempDirs;
      Object.assign(h, leftovers(r.host), { tempDirs, settled: r.state });
    } else if (r.type === 'intent' || r.type === 'done' || r.type === 'failed')
      applyEffect(of(r.host), r as OpsworksEffect);
  }
  return { header, ended, hosts, torn: 0 };
}

function applyEffect(h: HostLeftovers, r: OpsworksEffect): void {
  // A new effect after a settling record reopens the host (a later task in the same run).
  if (r.type === 'intent' && h.settled) h.settled = undefined;
  const user = r.user ?? '';
  switch (r.op) {
    case 'iam.user':
      if (r.type === 'intent') h.users.push({ name: user, sure: false, at: r.at });
      else if (r.type === 'done') {
        for (const u of h.users) if (u.name === user) u.sure = true;
      } else {
        // Failed (EntityAlreadyExists: someone else's name): never ours to delete.
        remove(h.users, (u) => u.name !== user || u.sure);
      }
      break;
    case 'iam.access-key':
      if (r.type === 'intent') h.keysUnknown.push(user);
      else {
        remove(h.keysUnknown, (u) => u !== user);
        if (r.type === 'done' && r.accessKeyId) h.keys.push({ user, accessKeyId: r.accessKeyId });
      }
      break;
    case 'iam.inline-policy':
      if (r.type === 'intent') h.inlinePolicies.push(user);
      else if (r.type === 'failed') remove(h.inlinePolicies, (u) => u !== user);
      break;
    case 'iam.managed-policy':
      if (r.type === 'intent') h.managedPolicies.push(user);
      else if (r.type === 'failed') remove(h.managedPolicies, (u) => u !== user);
      break;
    case 'iam.group-membership':
      if (r.type === 'intent') h.groups.push({ user, group: r.group ?? '' });
      else if (r.type === 'failed') remove(h.groups, (g) => g.user !== user);
      break;
    case 'host.temp-dir':
      // intent: about to mkdir it; done with error 'removed': gone.
      if (r.type === 'intent' && r.path) h.tempDirs.push(r.path);
      // mkdir failed: nothing was made.
      else if (r.path && r.type === 'failed') remove(h.tempDirs, (p) => p !== r.path);
      break;
    case 'host.temp-dir-removed':
      if (r.type === 'done' && r.path) remove(h.tempDirs, (p) => p !== r.path);
      break;
    case 'opsworks.register':
      if (r.type === 'intent')
        h.registerUnknown = { ...(r.hostname ? { hostname: r.hostname } : {}), at: r.at };
      else {
        h.registerUnknown = undefined;
        if (r.instanceId) h.instances.push(r.instanceId);
      }
      break;
    case 'opsworks.deregister':
      if (r.type === 'done' && r.instanceId) remove(h.instances, (i) => i !== r.instanceId);
      break;
    case 'iam.group':
      break;
  }
}

/** Whether a host still has something a later run must finish or undo. */
export function isOpen(h: HostLeftovers): boolean {
  if (h.settled) return h.tempDirs.length > 0;
  return (
    h.users.length > 0 ||
    h.keys.length > 0 ||
    h.keysUnknown.length > 0 ||
    h.tempDirs.length > 0 ||
    h.instances.length > 0 ||
    h.registerUnknown !== undefined
  );
}
