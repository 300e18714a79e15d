import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshConnectionFactory } from '../../../../core/connection/index.js';
import { fingerprint } from '../../../../core/connection/ssh/known-hosts.js';
import type { ConnectionRunOptions } from '../../../../core/connection/types.js';
import { Secret } from '../../../../core/secret.js';
import { loopbackAddresses, requireSshd, type Sshd, startSshd } from '../../../support/sshd.js';
import {
  createUsers,
  failure,
  hostSpec,
  letUsersReadKeys,
  removeUsers,
  runOptions,
  TEST_PASSWORD,
  tempDir,
} from '../support.js';

const run = requireSshd();
const USERS = ['runner-test', 'runner-nopw'];

describe.runIf(run)('host keys, jump hosts, become, transfer and fleets against a real sshd', () => {
  let sshd: Sshd;
  let plain: Sshd;
  let dir: string;
  let otherKeyLine: string;
  const key = () => ({ privateKeyFile: sshd.clientKeyFile });
  const hostKeyBlob = () => Buffer.from(sshd.hostKeyLine.split(' ')[1], 'base64');

  beforeAll(async () => {
    createUsers(USERS);
    sshd = await startSshd({ knownAddresses: ['127.0.2.1'] });
    // A second server without the SFTP subsystem, on its own port and host key.
    plain = await startSshd({ port: 2222, sftp: false });
    letUsersReadKeys(sshd.dir);
    letUsersReadKeys(plain.dir);
    dir = tempDir();
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'other')]);
    otherKeyLine = readFileSync(join(dir, 'other.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
  });
  afterAll(async () => {
    await sshd?.stop();
    await plain?.stop();
    removeUsers(USERS);
    rmSync(dir, { recursive: true, force: true });
  });

  const attempt = async (address: string, options: ConnectionRunOptions, port = 22) => {
    const keyFile = port === 22 ? sshd.clientKeyFile : plain.clientKeyFile;
    const conn = sshConnectionFactory.create(hostSpec(address, { privateKeyFile: keyFile, port }), options);
    try {
      return (await conn.exec('echo ok')).stdout;
    } finally {
      await conn.close();
    }
  };

  describe('host key checking', () => {
    it('strict: accepts a known key, refuses an unknown one', async () => {
      const options = runOptions(dir, { hostKeyChecking: 'strict', knownHostsFiles: [sshd.knownHostsFile] });
      expect(await attempt('127.0.2.1', options)).toBe('ok\n');
      const error = await failure(attempt('127.0.2.2', options));
      expect(error.code).toBe('HOST_KEY_UNKNOWN');
      expect(error.oneLine()).toContain(fingerprint(hostKeyBlob()));
    });

    it('accept-new: records an unknown key once, then checks against it', async () => {
      const record = join(dir, 'accept-new');
      const options = runOptions(dir, { recordKnownHostsFile: record });
      expect(await attempt('127.0.2.3', options)).toBe('ok\n');
      const strict = runOptions(dir, { hostKeyChecking: 'strict', recordKnownHostsFile: record });
      expect(await attempt('127.0.2.3', strict)).toBe('ok\n');
      expect(readFileSync(record, 'utf8')).toBe(`127.0.2.3 ${sshd.hostKeyLine}\n`);
    });

    it('refuses a changed key in strict and accept-new, naming both fingerprints; off connects', async () => {
      const file = join(dir, 'changed');
      writeFileSync(file, `127.0.2.4 ${otherKeyLine}\n`);
      for (const mode of ['strict', 'accept-new'] as const) {
        const options = runOptions(dir, { hostKeyChecking: mode, knownHostsFiles: [file] });
        const error = await failure(attempt('127.0.2.4', options));
        expect(error.code).toBe('HOST_KEY_CHANGED');
        expect(error.oneLine()).toContain(fingerprint(hostKeyBlob()));
        expect(error.oneLine()).toContain(fingerprint(Buffer.from(otherKeyLine.split(' ')[1], 'base64')));
      }
      const off = runOptions(dir, { hostKeyChecking: 'off', knownHostsFiles: [file] });
      expect(await attempt('127.0.2.4', off)).toBe('ok\n');
      expect(readFileSync(file, 'utf8')).toBe(`127.0.2.4 ${otherKeyLine}\n`);
    });

    it('reads hashed entries and [host]:port, and refuses @revoked keys', async () => {
      const file = join(dir, 'hashed');
      writeFileSync(file, `127.0.2.5 ${sshd.hostKeyLine}\n[127.0.2.6]:2222 ${plain.hostKeyLine}\n`);
      execFileSync('ssh-keygen', ['-q', '-H', '-f', file], { stdio: 'ignore' });
      expect(readFileSync(file, 'utf8')).toMatch(/^\|1\|/);
      const strict = runOptions(dir, { hostKeyChecking: 'strict', knownHostsFiles: [file] });
      expect(await attempt('127.0.2.5', strict)).toBe('ok\n');
      expect(await attempt('127.0.2.6', strict, 2222)).toBe('ok\n');
      const revoked = join(dir, 'revoked');
      writeFileSync(revoked, `@revoked * ${sshd.hostKeyLine}\n@cert-authority * ${otherKeyLine}\n`);
      const error = await failure(
        attempt('127.0.2.5', runOptions(dir, { knownHostsFiles: [file, revoked] })),
      );
      expect(error.code).toBe('HOST_KEY_REVOKED');
    });

    it('records hundreds of new hosts at once without losing or duplicating a line', async () => {
      const record = join(dir, 'many');
      const options = runOptions(dir, { recordKnownHostsFile: record, maxHandshakes: 32 });
      const addresses = loopbackAddresses(60, 30);
      const conns = addresses.map((a) => sshConnectionFactory.create(hostSpec(a, key()), options));
      // Two connections to the same host race to record it: still one line.
      const twins = addresses
        .slice(0, 5)
        .map((a) => sshConnectionFactory.create(hostSpec(a, key()), options));
      try {
        await Promise.all([...conns, ...twins].map((c) => c.connect()));
      } finally {
        await Promise.all([...conns, ...twins].map((c) => c.close()));
      }
      const lines = readFileSync(record, 'utf8').trim().split('\n');
      expect(lines.sort()).toEqual(addresses.map((a) => `${a} ${sshd.hostKeyLine}`).sort());
    });
  });

  describe('jump hosts', () => {
    it('reaches hosts through a ProxyJump shared by all of them, host-key-checking the jump', async () => {
      const record = join(dir, 'jump-known');
      const options = runOptions(dir, { recordKnownHostsFile: record });
      const behind = ['127.0.3.2', '127.0.3.3', '127.0.3.4'];
      const conns = behind.map((a, i) =>
        sshConnectionFactory.create(
          hostSpec(a, {
            ...key(),
            ...(i === 0 ? { jump: 'root@127.0.3.1' } : { commonArgs: '-o ProxyJump=root@127.0.3.1:22' }),
          }),
          options,
        ),
      );
      try {
        const results = await Promise.all(conns.map((c) => c.exec('echo "$SSH_CLIENT" | cut -d" " -f1')));
        // sshd sees each target connection coming from the jump host's forwarding, on loopback.
        expect(results.every((r) => r.exitCode === 0)).toBe(true);
      } finally {
        await Promise.all(conns.map((c) => c.close()));
      }
      expect(readFileSync(record, 'utf8')).toContain(`127.0.3.1 ${sshd.hostKeyLine}`);
      const strict = runOptions(dir, { hostKeyChecking: 'strict' });
      const conn = sshConnectionFactory.create(
        hostSpec('127.0.3.5', {
          ...key(),
          commonArgs: '-o ProxyCommand="ssh -W %h:%p -p 22 root@127.0.3.9"',
        }),
        strict,
      );
      const error = await failure(conn.connect());
      expect(error.code).toBe('HOST_KEY_UNKNOWN');
      expect(error.oneLine()).toContain('jump host 127.0.3.9:22');
    });
  });

  describe('become', () => {
    it('runs sudo with a password (sent on stdin) and without one', async () => {
      const options = runOptions(dir);
      const withPw = sshConnectionFactory.create(
        hostSpec('127.0.4.1', { ...key(), user: 'runner-test' }),
        options,
      );
      const noPw = sshConnectionFactory.create(
        hostSpec('127.0.4.2', { ...key(), user: 'runner-nopw' }),
        options,
      );
      try {
        const a = await withPw.exec('id -un; cat', {
          become: { method: 'sudo', password: new Secret(TEST_PASSWORD) },
          stdin: 'piped\n',
        });
        expect(a).toMatchObject({ exitCode: 0, stdout: 'root\npiped\n' });
        const b = await noPw.exec('id -un', { become: { method: 'sudo' } });
        expect(b).toMatchObject({ exitCode: 0, stdout: 'root\n' });
        const c = await noPw.exec('echo $HOME; exit 4', { become: { method: 'sudo', user: 'runner-test' } });
        expect(c).toMatchObject({ exitCode: 4, stdout: '/home/runner-test\n' });
      } finally {
        await withPw.close();
        await noPw.close();
      }
    });

    it('fails with BECOME_FAILED on a wrong or missing sudo password instead of hanging', async () => {
      const conn = sshConnectionFactory.create(
        hostSpec('127.0.4.3', { ...key(), user: 'runner-test' }),
        runOptions(dir),
      );
      try {
        const wrong = await failure(
          conn.exec('id', { become: { method: 'sudo', password: new Secret('bad sudo pw 1') } }),
        );
        expect(wrong.code).toBe('BECOME_FAILED');
        expect(wrong.oneLine()).toBe('127.0.4.3:22: incorrect sudo password');
        const missing = await failure(conn.exec('id', { become: { method: 'sudo' } }));
        expect(missing.code).toBe('BECOME_FAILED');
        expect(missing.oneLine()).toContain('requires a password');
        // The connection is still good afterwards.
        expect((await conn.exec('echo fine')).stdout).toBe('fine\n');
      } finally {
        await conn.close();
      }
    });
  });

  describe('transfer', () => {
    it('puts through cat over stdin where the server has no SFTP, with mode, owner and become', async () => {
      const conn = sshConnectionFactory.create(
        hostSpec('127.0.5.1', { privateKeyFile: plain.clientKeyFile, port: 2222, user: 'runner-nopw' }),
        runOptions(dir),
      );
      const path = '/tmp/runner-put-nosftp.bin';
      const data = Buffer.from([0, 1, 2, 255, 10, 39, 36]);
      try {
        await conn.put(data, path, { mode: 0o600 });
        expect(conn.capabilities.sftp).toBe(false);
        const r = await conn.exec(`stat -c '%a %U' ${path}; od -An -tx1 ${path}`);
        expect(r.stdout.replace(/\s+/g, ' ').trim()).toBe('600 runner-nopw 00 01 02 ff 0a 27 24');
        await conn.put('root owned\n', '/etc/runner-put-test.conf', {
          mode: 0o640,
          owner: 'runner-test',
          become: { method: 'sudo' },
        });
        const s = await conn.exec(
          'stat -c "%a %U" /etc/runner-put-test.conf; sudo -n cat /etc/runner-put-test.conf',
        );
        expect(s.stdout).toBe('640 runner-test\nroot owned\n');
        // No temporary file is left behind (they are named .<file>.runner-<12 hex>).
        const left = await conn.exec("ls -a /etc /tmp | grep -cE '[.]runner-[0-9a-f]{12}$' || true");
        expect(left.stdout.trim()).toBe('0');
      } finally {
        await conn.exec(`rm -f ${path}; sudo -n rm -f /etc/runner-put-test.conf`).catch(() => undefined);
        await conn.close();
      }
    });

    it('puts over SFTP with an owner', async () => {
      const conn = sshConnectionFactory.create(hostSpec('127.0.5.2', key()), runOptions(dir));
      const path = join(dir, 'sftp-owned');
      try {
        await conn.put(Buffer.from('x'), path, { mode: 0o604, owner: 'runner-test' });
        expect(conn.capabilities.sftp).toBe(true);
        expect((await conn.exec(`stat -c '%a %U' ${path}`)).stdout).toBe('604 runner-test\n');
      } finally {
        await conn.close();
      }
    });
  });

  describe('fleets', () => {
    it('runs 100 hosts at once through the persistent shell', async () => {
      const options = runOptions(dir, { maxHandshakes: 24 });
      // runner-nopw's login shell is /bin/sh with no rc files: the test measures our layer, not a heavy .bashrc.
      const conns = loopbackAddresses(100, 40).map((a) =>
        sshConnectionFactory.create(hostSpec(a, { ...key(), user: 'runner-nopw' }), options),
      );
      try {
        const outputs = await Promise.all(
          conns.map(async (c, i) => {
            const a = await c.exec(`echo ${i}`);
            const b = await c.exec('cat', { stdin: `in-${i}` });
            const d = await c.exec('exit 7');
            return [a.stdout, b.stdout, d.exitCode];
          }),
        );
        outputs.forEach((o, i) => {
          expect(o).toEqual([`${i}\n`, `in-${i}`, 7]);
        });
        expect(conns.every((c) => c.capabilities.persistentShell)).toBe(true);
      } finally {
        await Promise.all(conns.map((c) => c.close()));
      }
    }, 600_000);
  });
});
