import { createHash, createHmac } from 'node:crypto';

/**
 * OpenSSH known_hosts, read the way ssh(1) reads it (sshd(8) "SSH_KNOWN_HOSTS
 * FILE FORMAT"): `[marker] patterns keytype base64 [comment]`, where patterns
 * are a comma list with `*`/`?` wildcards and `!` negation, `[host]:port` for
 * non-22 ports, or one hashed `|1|salt|hmac-sha1` entry. Pure: no I/O here.
 */
export type KnownHostMarker = 'cert-authority' | 'revoked';

export interface KnownHostEntry {
  marker?: KnownHostMarker;
  /** Plain patterns, or undefined for a hashed entry. */
  patterns?: string[];
  hashed?: { salt: Buffer; hash: Buffer };
  keyType: string;
  key: Buffer;
  file: string;
  line: number;
}

export function parseKnownHosts(text: string, file = 'known_hosts'): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const entry = parseKnownHostsLine(lines[i], file, i + 1);
    if (entry) entries.push(entry);
  }
  return entries;
}

/** One line, or undefined for blanks, comments and lines ssh(1) would skip as malformed. */
export function parseKnownHostsLine(raw: string, file: string, line: number): KnownHostEntry | undefined {
  const text = raw.trim();
  if (text === '' || text.startsWith('#')) return undefined;
  const fields = text.split(/\s+/);
  let marker: KnownHostMarker | undefined;
  if (fields[0].startsWith('@')) {
    const name = fields.shift()!.slice(1);
    // An unknown marker means a line for a newer ssh; skipping it is what ssh does.
    if (name !== 'cert-authority' && name !== 'revoked') return undefined;
    marker = name;
  }
  if (fields.length < 3) return undefined;
  const [hosts, keyType, keyBase64] = fields;
  const key = Buffer.from(keyBase64, 'base64');
  if (key.length === 0 || keyTypeOf(key) !== keyType) return undefined;
  const entry: KnownHostEntry = { keyType, key, file, line };
  if (marker) entry.marker = marker;
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    if (!salt || !hash) return undefined;
    entry.hashed = { salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
  } else {
    entry.patterns = hosts.split(',').filter((p) => p !== '');
  }
  return entry;
}

/** The name ssh looks up: `host` on port 22, `[host]:port` otherwise. */
export function knownHostName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

/** A hashed entry for `name`, as `ssh-keygen -H` writes it. */
export function hashHostName(name: string, salt: Buffer): string {
  const hash = createHmac('sha1', salt).update(name).digest();
  return `|1|${salt.toString('base64')}|${hash.toString('base64')}`;
}

export function entryMatchesHost(entry: KnownHostEntry, address: string, port: number): boolean {
  const name = knownHostName(address, port).toLowerCase();
  if (entry.hashed) {
    const hash = createHmac('sha1', entry.hashed.salt).update(name).digest();
    return hash.equals(entry.hashed.hash);
  }
  let matched = false;
  for (const pattern of entry.patterns ?? []) {
    const negated = pattern.startsWith('!');
    if (globMatch(negated ? pattern.slice(1) : pattern, name)) {
      // A matching negation vetoes the whole line, whatever else matches.
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

function globMatch(pattern: string, name: string): boolean {
  const source = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(name);
}

/** The algorithm name inside an SSH public key blob (its first string). */
export function keyTypeOf(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const len = blob.readUInt32BE(0);
  if (len === 0 || len > 64 || 4 + len > blob.length) return undefined;
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** `SHA256:…` as ssh(1) prints it (base64, no padding). */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export type HostKeyVerdict =
  | { status: 'known'; entry: KnownHostEntry }
  | { status: 'unknown' }
  | { status: 'changed'; known: KnownHostEntry }
  | { status: 'revoked'; entry: KnownHostEntry };

/**
 * What the known_hosts entries say about `key` for this host. A revoked key is
 * refused before anything else; any plain entry for the host with a different
 * key means "changed" (ssh prefers the known key types, see hostKeyAlgorithms,
 * so a host that still has its key presents it). @cert-authority lines are
 * not host keys and are never taken for one.
 */
export function checkHostKey(
  entries: readonly KnownHostEntry[],
  address: string,
  port: number,
  key: Buffer,
): HostKeyVerdict {
  let changed: KnownHostEntry | undefined;
  let known: KnownHostEntry | undefined;
  for (const entry of entries) {
    if (entry.marker === 'cert-authority') continue;
    if (!entryMatchesHost(entry, address, port)) continue;
    const same = entry.key.equals(key);
    if (entry.marker === 'revoked') {
      if (same) return { status: 'revoked', entry };
      continue;
    }
    if (same) known ??= entry;
    else if (!changed || (changed.keyType !== keyTypeOf(key) && entry.keyType === keyTypeOf(key)))
      changed = entry;
  }
  if (known) return { status: 'known', entry: known };
  if (changed) return { status: 'changed', known: changed };
  return { status: 'unknown' };
}

/** Host key algorithms for types we already know for this host, to put first (as ssh(1) does). */
export function preferredHostKeyAlgorithms(
  entries: readonly KnownHostEntry[],
  address: string,
  port: number,
): string[] {
  const out: string[] = [];
  for (const entry of entries) {
    if (entry.marker || !entryMatchesHost(entry, address, port)) continue;
    const algos = entry.keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [entry.keyType];
    for (const a of algos) if (!out.includes(a)) out.push(a);
  }
  return out;
}

/** The line accept-new appends for a host. */
export function knownHostsLine(address: string, port: number, key: Buffer): string {
  return `${knownHostName(address, port)} ${keyTypeOf(key)} ${key.toString('base64')}`;
}
