import { describe, expect, it } from 'vitest';
import {
  checkHostKey,
  fingerprint,
  hashHostName,
  knownHostName,
  parseKnownHosts,
  preferredHostKeyAlgorithms,
} from '../../../../core/connection/ssh/known-hosts.js';

function blob(type: string, body: string): Buffer {
  const t = Buffer.from(type);
  const b = Buffer.from(body);
  const len = (n: number) => {
    const x = Buffer.alloc(4);
    x.writeUInt32BE(n);
    return x;
  };
  return Buffer.concat([len(t.length), t, len(b.length), b]);
}
const K1 = blob('ssh-ed25519', 'key-one-32-bytes-xxxxxxxxxxxxxxx');
const K2 = blob('ssh-ed25519', 'key-two-32-bytes-xxxxxxxxxxxxxxx');
const R1 = blob('ssh-rsa', 'rsa-key');
const line = (hosts: string, key: Buffer, type = 'ssh-ed25519') =>
  `${hosts} ${type} ${key.toString('base64')}`;

describe('known_hosts parsing and matching', () => {
  it('parses plain, bracketed-port, comma lists, comments and markers', () => {
    const text = [
      '# comment',
      '',
      line('web1,10.0.0.1', K1),
      line('[10.0.0.2]:2222', K1),
      `@revoked ${line('*', K2)}`,
      `@cert-authority ${line('*.example.com', K2)}`,
      '@unknown-marker web1 ssh-ed25519 AAAA',
      'garbage line',
    ].join('\n');
    const entries = parseKnownHosts(text, 'f');
    expect(entries).toHaveLength(4);
    expect(entries[0]).toMatchObject({ patterns: ['web1', '10.0.0.1'], keyType: 'ssh-ed25519', line: 3 });
    expect(entries[2].marker).toBe('revoked');
    expect(entries[3].marker).toBe('cert-authority');
  });

  it('matches hashed entries as ssh-keygen -H writes them, with and without ports', () => {
    const salt = Buffer.alloc(20, 7);
    const entries = parseKnownHosts(
      [
        line(hashHostName('10.0.0.5', salt), K1),
        line(hashHostName(knownHostName('10.0.0.6', 2200), salt), K1),
      ].join('\n'),
    );
    expect(checkHostKey(entries, '10.0.0.5', 22, K1).status).toBe('known');
    expect(checkHostKey(entries, '10.0.0.6', 2200, K1).status).toBe('known');
    expect(checkHostKey(entries, '10.0.0.6', 22, K1).status).toBe('unknown');
  });

  it('tells known, unknown, changed and revoked apart', () => {
    const entries = parseKnownHosts(
      [
        line('a', K1),
        line('[a]:2222', K2),
        line('!b.example.com,*.example.com', K1),
        `@revoked ${line('*', K2)}`,
      ].join('\n'),
    );
    expect(checkHostKey(entries, 'a', 22, K1).status).toBe('known');
    expect(checkHostKey(entries, 'c', 22, K1).status).toBe('unknown');
    const changed = checkHostKey(entries, 'a', 22, blob('ssh-ed25519', 'other'));
    expect(changed.status).toBe('changed');
    expect(checkHostKey(entries, 'a', 2222, K2).status).toBe('revoked');
    expect(checkHostKey(entries, 'x.example.com', 22, K1).status).toBe('known');
    expect(checkHostKey(entries, 'b.example.com', 22, K1).status).toBe('unknown');
  });

  it('never takes a @cert-authority key for a host key', () => {
    const entries = parseKnownHosts(`@cert-authority ${line('*', K1)}`);
    expect(checkHostKey(entries, 'a', 22, K1).status).toBe('unknown');
    expect(checkHostKey(entries, 'a', 22, K2).status).toBe('unknown');
  });

  it('prefers the key types already known for a host', () => {
    const entries = parseKnownHosts([line('a', R1, 'ssh-rsa'), line('b', K1)].join('\n'));
    expect(preferredHostKeyAlgorithms(entries, 'a', 22)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    expect(preferredHostKeyAlgorithms(entries, 'b', 22)).toEqual(['ssh-ed25519']);
  });

  it('prints fingerprints as ssh does', () => {
    expect(fingerprint(K1)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});
