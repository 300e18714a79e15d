import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshConnectionFactory } from '../../../../core/connection/index.js';
import { sshRun } from '../../../../core/connection/ssh/options.js';
import type { ConnectionRunOptions, ConnectionSpec } from '../../../../core/connection/types.js';
import { requireSshd, type Sshd, startSshd } from '../../../support/sshd.js';

const run = requireSshd();

describe.runIf(run)('ssh connection against a real sshd', () => {
  let sshd: Sshd;
  let dir: string;
  let options: ConnectionRunOptions;
  const spec = (address: string, extra: Partial<ConnectionSpec> = {}): ConnectionSpec => ({
    host: address,
    address,
    port: 22,
    user: 'root',
    privateKeyFile: sshd.clientKeyFile,
    vars: {},
    ...extra,
  });

  beforeAll(async () => {
    sshd = await startSshd();
    dir = mkdtempSync(join(tmpdir(), 'runner-conn-'));
    options = sshRun({
      connectTimeoutMs: 10_000,
      maxHandshakes: 8,
      hostKeyChecking: 'accept-new',
      knownHostsFiles: [],
      recordKnownHostsFile: join(dir, 'known_hosts'),
      systemKnownHosts: false,
    });
  });
  afterAll(async () => {
    await sshd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs commands with stdin, env, exit codes and separate stderr', async () => {
    const conn = sshConnectionFactory.create(spec('127.0.0.1'), options);
    try {
      const a = await conn.exec('echo out; echo err >&2; exit 3');
      expect(a).toMatchObject({ exitCode: 3, stdout: 'out\n', stderr: 'err\n', timedOut: false });
      const b = await conn.exec('cat; printf "%s" "$GREETING"', {
        stdin: "it's $HOME `x`\n",
        env: { GREETING: "hi 'there'" },
      });
      expect(b.stdout).toBe("it's $HOME `x`\nhi 'there'");
      const c = await conn.exec('printf abc');
      expect(c.stdout).toBe('abc');
      expect(conn.capabilities.persistentShell).toBe(true);
    } finally {
      await conn.close();
      await conn.close();
    }
  });

  it('puts files atomically with their mode over SFTP', async () => {
    const conn = sshConnectionFactory.create(spec('127.0.0.2'), options);
    try {
      const path = join(dir, 'put-sftp.txt');
      await conn.put('hello\n', path, { mode: 0o640 });
      const r = await conn.exec(`stat -c %a ${path}; cat ${path}`);
      expect(r.stdout).toBe('640\nhello\n');
      expect(conn.capabilities.sftp).toBe(true);
    } finally {
      await conn.close();
    }
  });

  it('returns timedOut for a command that outlives its timeout, and kills it', async () => {
    const conn = sshConnectionFactory.create(spec('127.0.0.3'), options);
    try {
      const r = await conn.exec('sleep 37.123; echo never', { timeoutMs: 500 });
      expect(r).toMatchObject({ exitCode: null, timedOut: true });
      const after = await conn.exec('pgrep -f "[s]leep 37.123" || echo gone');
      expect(after.stdout.trim()).toBe('gone');
    } finally {
      await conn.close();
    }
  });
});
