import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { HOST_KEY_ALGORITHMS, hostKeyAlgorithmsFor } from '../../../../core/connection/ssh/client.js';

// ssh2's own default list: what it offers when a connection names no host key algorithms.
const ssh2Defaults: string[] = createRequire(import.meta.url)(
  'ssh2/lib/protocol/constants.js',
).DEFAULT_SERVER_HOST_KEY;

describe('host key algorithms offered', () => {
  it("is ssh2's default order, so offering nothing special offers the same list", () => {
    expect([...HOST_KEY_ALGORITHMS]).toEqual(ssh2Defaults);
  });

  it('leaves ssh2 its defaults when known_hosts knows nothing, or only the first type', () => {
    expect(hostKeyAlgorithmsFor([])).toBeUndefined();
    expect(hostKeyAlgorithmsFor(['ssh-ed25519'])).toBeUndefined();
    expect(hostKeyAlgorithmsFor(['ssh-dss'])).toBeUndefined(); // a type ssh2 does not offer by default
  });

  it('puts the types known_hosts holds for the host first, in its order, as ssh(1) does', () => {
    expect(hostKeyAlgorithmsFor(['ecdsa-sha2-nistp256'])).toEqual([
      'ecdsa-sha2-nistp256',
      'ssh-ed25519',
      'ecdsa-sha2-nistp384',
      'ecdsa-sha2-nistp521',
      'rsa-sha2-512',
      'rsa-sha2-256',
      'ssh-rsa',
    ]);
    expect(hostKeyAlgorithmsFor(['rsa-sha2-256', 'ssh-ed25519'])?.slice(0, 3)).toEqual([
      'rsa-sha2-256',
      'ssh-ed25519',
      'ecdsa-sha2-nistp256',
    ]);
  });
});
