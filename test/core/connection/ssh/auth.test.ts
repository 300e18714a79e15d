import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshConnectionFactory } from '../../../../core/connection/index.js';
import type { PromptRequest } from '../../../../core/connection/types.js';
import { Secret } from '../../../../core/secret.js';
import { requireSshd, type Sshd, startSshd } from '../../../support/sshd.js';
import {
  createUsers,
  failure,
  hostSpec,
  removeUsers,
  runOptions,
  TEST_PASSWORD,
  tempDir,
} from '../support.js';

const run = requireSshd();
const USERS = ['runner-pw'];

describe.runIf(run)('ssh authentication against a real sshd', () => {
  let sshd: Sshd;
  let dir: string;
  let agent: ChildProcess | undefined;
  const savedAgent = process.env.SSH_AUTH_SOCK;

  beforeAll(async () => {
    createUsers(USERS);
    sshd = await startSshd();
    dir = tempDir();
    delete process.env.SSH_AUTH_SOCK;
  });
  afterAll(async () => {
    if (savedAgent === undefined) delete process.env.SSH_AUTH_SOCK;
    else process.env.SSH_AUTH_SOCK = savedAgent;
    if (agent?.pid) process.kill(agent.pid);
    await sshd?.stop();
    removeUsers(USERS);
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks for a key passphrase once per run, not once per host', async () => {
    const key = join(dir, 'pass_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'pass phrase 1', '-f', key]);
    appendFileSync(join(sshd.dir, 'authorized_keys', 'root'), readFileSync(`${key}.pub`));
    const asked: PromptRequest[] = [];
    const options = runOptions(dir, {
      prompt: async (request) => {
        asked.push(request);
        return new Secret('pass phrase 1');
      },
    });
    const conns = ['127.0.1.1', '127.0.1.2', '127.0.1.3'].map((a) =>
      sshConnectionFactory.create(hostSpec(a, { privateKeyFile: key }), options),
    );
    try {
      const results = await Promise.all(conns.map((c) => c.exec('echo ok')));
      expect(results.map((r) => r.stdout)).toEqual(['ok\n', 'ok\n', 'ok\n']);
      expect(asked).toHaveLength(1);
      expect(asked[0]).toMatchObject({ kind: 'passphrase', keyFile: key });
    } finally {
      await Promise.all(conns.map((c) => c.close()));
    }
  });

  it('fails every host with AUTH_FAILED on a wrong passphrase, without printing it', async () => {
    const key = join(dir, 'pass_key');
    const options = runOptions(dir, { prompt: async () => new Secret('wrong passphrase 9') });
    const conn = sshConnectionFactory.create(hostSpec('127.0.1.4', { privateKeyFile: key }), options);
    const error = await failure(conn.exec('true'));
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.message).toContain('incorrect passphrase');
    expect(error.message).not.toContain('wrong passphrase 9');
  });

  it('authenticates through ssh-agent', async () => {
    const sock = join(dir, 'agent.sock');
    agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      try {
        execFileSync('ssh-add', [sshd.clientKeyFile], {
          env: { ...process.env, SSH_AUTH_SOCK: sock },
          stdio: 'ignore',
        });
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    process.env.SSH_AUTH_SOCK = sock;
    const conn = sshConnectionFactory.create(hostSpec('127.0.1.5'), runOptions(dir));
    try {
      expect((await conn.exec('echo agent')).stdout).toBe('agent\n');
    } finally {
      await conn.close();
      delete process.env.SSH_AUTH_SOCK;
    }
  });

  it('authenticates with a password, and asks for it once per run when told to', async () => {
    rmSync(join(sshd.dir, 'authorized_keys', 'runner-pw'), { force: true });
    const direct = sshConnectionFactory.create(
      hostSpec('127.0.1.6', { user: 'runner-pw', password: new Secret(TEST_PASSWORD) }),
      runOptions(dir),
    );
    let asked = 0;
    const options = runOptions(dir, {
      askPassword: true,
      prompt: async () => {
        asked++;
        return new Secret(TEST_PASSWORD);
      },
    });
    const prompted = ['127.0.1.7', '127.0.1.8'].map((a) =>
      sshConnectionFactory.create(hostSpec(a, { user: 'runner-pw' }), options),
    );
    try {
      expect((await direct.exec('id -un')).stdout).toBe('runner-pw\n');
      const results = await Promise.all(prompted.map((c) => c.exec('id -un')));
      expect(results.map((r) => r.stdout)).toEqual(['runner-pw\n', 'runner-pw\n']);
      expect(asked).toBe(1);
    } finally {
      await Promise.all([direct, ...prompted].map((c) => c.close()));
    }
  });

  it('says which methods it tried when authentication fails, never the password', async () => {
    const conn = sshConnectionFactory.create(
      hostSpec('127.0.1.9', { user: 'runner-pw', password: new Secret('not the password 3') }),
      runOptions(dir, { connectRetries: 0 }),
    );
    const error = await failure(conn.connect());
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.oneLine()).toMatch(/^127\.0\.1\.9:22: authentication failed \(tried: .*password.*\)$/);
    expect(error.oneLine()).not.toContain('not the password 3');
  });

  it('reports a refused connection in one line', async () => {
    const conn = sshConnectionFactory.create(
      hostSpec('127.0.9.9', { port: 2299 }),
      runOptions(dir, { connectRetries: 1 }),
    );
    const error = await failure(conn.connect());
    expect(error.code).toBe('CONNECT_REFUSED');
    expect(error.oneLine()).toBe('127.0.9.9:2299: connection refused');
  });
});
