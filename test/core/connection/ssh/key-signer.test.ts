import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utils } from 'ssh2';
import { afterAll, describe, expect, it } from 'vitest';
import { withDecodedSigner } from '../../../../core/connection/ssh/key-signer.js';

const dir = mkdtempSync(join(tmpdir(), 'runner-key-signer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function keyPair(type: string, bits?: string) {
  const file = join(dir, `id_${type}${bits ?? ''}`);
  execFileSync('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', bits] : []), '-N', '', '-f', file]);
  const parse = (f: string) => {
    const k = utils.parseKey(readFileSync(f));
    if (k instanceof Error) throw k;
    return Array.isArray(k) ? k[0]! : k;
  };
  return { fresh: () => parse(file), pub: parse(`${file}.pub`) };
}

describe('signing with a decoded key', () => {
  const data = Buffer.from('session id and userauth request');
  for (const [type, bits, algos] of [
    ['ed25519', undefined, [undefined]],
    ['rsa', '2048', [undefined, 'sha256', 'sha512']],
    ['ecdsa', '256', [undefined]],
    ['ecdsa', '384', [undefined]],
  ] as const) {
    it(`gives signatures the server accepts, as ssh2's own would (${type}${bits ? ` ${bits}` : ''})`, () => {
      const { fresh, pub } = keyPair(type, bits);
      const mine = withDecodedSigner(fresh());
      const theirs = fresh();
      // The decoded signer is in place (ssh2's own signs through the key's PEM text).
      expect(Object.hasOwn(mine, 'sign')).toBe(true);
      for (const algo of algos) {
        const signature = mine.sign(data, algo);
        expect(signature).toBeInstanceOf(Buffer);
        expect(pub.verify(data, signature as Buffer, algo)).toBe(true);
        expect(pub.verify(Buffer.from('something else'), signature as Buffer, algo)).toBe(false);
        // Deterministic schemes give the very same bytes (ECDSA signatures are randomised).
        if (type !== 'ecdsa') expect(signature).toEqual(theirs.sign(data, algo));
      }
    });
  }
});
