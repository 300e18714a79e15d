import ssh2 from 'ssh2';

/**
 * ed25519 key pairs in OpenSSH format. ssh2's generator drops a leading zero
 * byte of the public key about once in 256 keys, which makes the key
 * unparseable (by ssh2 itself, and wrong for OpenSSH); such pairs are
 * discarded and made again.
 */
export function generateEd25519(comment?: string): { private: string; public: string } {
  for (let attempt = 0; attempt < 50; attempt++) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', comment ? { comment } : {});
    const pub = ssh2.utils.parseKey(pair.public);
    const priv = ssh2.utils.parseKey(pair.private);
    if (pub instanceof Error || priv instanceof Error) continue;
    const parsed = Array.isArray(priv) ? priv[0] : priv;
    // 4 + "ssh-ed25519" (11) + 4 + 32 bytes of key.
    if (parsed.getPublicSSH().length === 51) return pair;
  }
  throw new Error('could not generate a valid ed25519 key pair');
}
