import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, type SandboxHost, startSandbox } from '../../../sandbox/index.js';
import { connect, exec, run } from '../ssh-client.js';
import { eventually } from '../support.js';

/**
 * The SSH fault knobs the fault matrix drives: auth refused, no banner, a
 * changed host key, and a host that vanishes (goes silent) when a command or
 * an upload starts. Each is cleared at the end and the host works again.
 */
describe('sandbox SSH fault knobs', () => {
  let sb: Sandbox;
  let h: SandboxHost;
  const gone = () => sb.state().hosts.find((x) => x.name === h.name)?.gone;
  beforeAll(async () => {
    sb = await startSandbox({ hosts: 1, ec2Share: 0 });
    h = sb.hosts[0] as SandboxHost;
  });
  afterAll(() => sb.stop());
  beforeEach(async () => {
    sb.faults = {} as Sandbox['faults'];
    await eventually(async () => (gone() === false ? true : undefined));
  });

  it('authRefused: every method is refused', async () => {
    sb.setFaults({ authRefused: [h.name] });
    await expect(connect(h)).rejects.toThrow(/authentication methods failed/i);
    sb.setFaults({ authRefused: [] });
    expect((await run(h, 'echo ok')).stdout).toBe('ok\n');
  });

  it('noBanner: the TCP connection opens but the handshake never starts', async () => {
    sb.setFaults({ noBanner: [h.name] });
    await expect(connect(h, { readyTimeout: 1000 })).rejects.toThrow(/Timed out while waiting for handshake/);
    sb.setFaults({ noBanner: [] });
    expect((await run(h, 'echo ok')).stdout).toBe('ok\n');
  });

  it('changedHostKey: the host presents another key, which the known one does not verify', async () => {
    sb.setFaults({ changedHostKey: [h.name] });
    await expect(connect(h)).rejects.toThrow(/verification failed/i);
    sb.setFaults({ changedHostKey: [] });
    expect((await run(h, 'echo ok')).stdout).toBe('ok\n');
  });

  it('vanishDuring: the matching command never runs, the host goes silent, and comes back when cleared', async () => {
    sb.setFaults({ vanishDuring: [{ host: h.name, command: 'vanish-here' }] });
    const client = await connect(h);
    client.on('error', () => {});
    try {
      expect((await exec(client, 'echo before')).stdout).toBe('before\n');
      const marker = join(h.root, 'tmp', 'ran-vanish-here');
      void exec(client, `touch ${marker} # vanish-here`);
      await eventually(async () => (gone() === true ? true : undefined));
      expect(existsSync(marker)).toBe(false);
      // New connections get no banner while it is gone.
      await expect(connect(h, { readyTimeout: 1000 })).rejects.toThrow(
        /Timed out while waiting for handshake/,
      );
    } finally {
      client.end();
    }
    sb.setFaults({ vanishDuring: [] });
    await eventually(async () => (gone() === false ? true : undefined));
    expect((await run(h, 'echo back')).stdout).toBe('back\n');
  });

  it('vanishDuring also fires on a line a persistent shell reads', async () => {
    sb.setFaults({ vanishDuring: [{ host: h.name, command: 'vanish-in-shell' }] });
    const client = await connect(h);
    client.on('error', () => {});
    try {
      void exec(client, '/bin/sh', { stdin: 'echo first\necho vanish-in-shell\n' });
      await eventually(async () => (gone() === true ? true : undefined));
    } finally {
      client.end();
    }
  });

  it('vanishOnUpload: an SFTP write to a matching path makes the host vanish; others are written', async () => {
    sb.setFaults({ vanishOnUpload: [{ host: h.name, path: 'preconfig' }] });
    const client = await connect(h);
    client.on('error', () => {});
    try {
      const sftp = await new Promise<import('ssh2').SFTPWrapper>((resolve, reject) =>
        client.sftp((e, s) => (e ? reject(e) : resolve(s))),
      );
      const write = (path: string) =>
        new Promise<void>((resolve, reject) =>
          sftp.writeFile(path, 'x\n', (e) => (e ? reject(e) : resolve())),
        );
      await write(join(h.home, 'other-file'));
      expect(gone()).toBe(false);
      void write(join(h.home, 'preconfig.tmp')).catch(() => undefined);
      await eventually(async () => (gone() === true ? true : undefined));
    } finally {
      client.end();
    }
  });
});
