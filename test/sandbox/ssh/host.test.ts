import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../../sandbox/index.js';
import { connect, exec, run } from '../ssh-client.js';
import { eventually } from '../support.js';

describe('sandbox SSH hosts', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({
      hosts: 3,
      sshPassword: 'ssh-pass-for-tests',
      sudoPassword: 'sudo-pass-for-tests',
    });
  });
  afterAll(() => sb.stop());

  it('gives each host its own loopback address, one shared port and its own host key', () => {
    const [a, b, c] = sb.hosts;
    expect(new Set(sb.hosts.map((h) => h.address)).size).toBe(3);
    for (const h of sb.hosts) expect(h.address).toMatch(/^127\.0\.\d+\.\d+$/);
    expect(a.port).toBe(b.port);
    expect(b.port).toBe(c.port);
    expect(new Set(sb.hosts.map((h) => h.hostPublicKey)).size).toBe(3);
    expect(readFileSync(sb.knownHostsFile, 'utf8')).toContain(`[${a.address}]:${a.port} ssh-ed25519 `);
    expect(statSync(a.privateKeyFile).mode & 0o777).toBe(0o600);
  });

  it('runs a real /bin/sh with the host’s env, exit codes and stdin passed through', async () => {
    const h = sb.hosts[0];
    const r = await run(
      h,
      'echo "$HOME|$RUNNER_SANDBOX_ROOT|$(hostname)|$(uname -n)"; cat; exit 3',
      'from stdin\n',
    );
    expect(r.code).toBe(3);
    expect(r.stdout).toBe(`${h.home}|${h.root}|${h.name}|${h.name}\nfrom stdin\n`);
    const err = await run(h, 'echo oops >&2; false');
    expect(err).toMatchObject({ code: 1, stderr: 'oops\n' });
  });

  it('passes signals through to the command', async () => {
    const client = await connect(sb.hosts[1]);
    try {
      const r = await exec(client, 'echo started; sleep 30', {
        keepStdinOpen: true,
        onStream: (s) => s.once('data', () => s.signal('TERM')),
      });
      expect(r.signal).toBe('SIGTERM');
    } finally {
      client.end();
    }
  });

  it('accepts the password too, and refuses a wrong key or user', async () => {
    const h = sb.hosts[0];
    const byPassword = await connect(h, { password: 'ssh-pass-for-tests' });
    expect((await exec(byPassword, 'echo ok')).stdout).toBe('ok\n');
    byPassword.end();
    await expect(connect(h, { password: 'wrong' })).rejects.toThrow(/authentication/i);
    await expect(connect(h, { username: 'someone-else' })).rejects.toThrow(/authentication/i);
  });

  it('has a sudo that wants the password on stdin (-S), fails with -n, and logs its argv only', async () => {
    const h = sb.hosts[2];
    const ok = await run(
      h,
      "sudo -S -p 'pw:' -u root sh -c 'echo as $SUDO_USER; cat'",
      'sudo-pass-for-tests\nrest of stdin\n',
    );
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(`as ${h.user}\nrest of stdin\n`);
    expect(ok.stderr).toBe('pw:');
    const wrong = await run(h, 'sudo -S true', 'nope\n');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('incorrect password');
    const nonInteractive = await run(h, 'sudo -n true');
    expect(nonInteractive).toMatchObject({ code: 1, stderr: 'sudo: a password is required\n' });
    expect((await run(h, 'sudo -u nobody true')).code).toBe(1);
    const all = JSON.stringify(sb.commands(h.name));
    expect(all).toContain('sh -c echo as $SUDO_USER; cat');
    expect(all).not.toContain('sudo-pass-for-tests');
  });

  it('serves SFTP on the real filesystem', async () => {
    const h = sb.hosts[0];
    const client = await connect(h);
    try {
      const sftp = await new Promise<import('ssh2').SFTPWrapper>((resolve, reject) =>
        client.sftp((e, s) => (e ? reject(e) : resolve(s))),
      );
      const target = join(h.home, 'uploaded.txt');
      await new Promise<void>((resolve, reject) => {
        const w = sftp.createWriteStream(target, { mode: 0o600 });
        w.on('close', () => resolve()).on('error', reject);
        w.end('secret-ish content\n');
      });
      expect(readFileSync(target, 'utf8')).toBe('secret-ish content\n');
      expect(statSync(target).mode & 0o777).toBe(0o600);
      const names = await new Promise<string[]>((resolve, reject) =>
        sftp.readdir(h.home, (e, list) => (e ? reject(e) : resolve(list.map((l) => l.filename)))),
      );
      expect(names).toContain('uploaded.txt');
      const back = await new Promise<string>((resolve, reject) =>
        sftp.readFile('uploaded.txt', (e, data) => (e ? reject(e) : resolve(data.toString()))),
      );
      expect(back).toBe('secret-ish content\n');
    } finally {
      client.end();
    }
  });

  it('records every command line it runs', async () => {
    const h = sb.hosts[1];
    await run(h, 'echo recorded-marker');
    expect(sb.commands(h.name).map((c) => c.command)).toContain('echo recorded-marker');
  });

  it('records the lines a persistent /bin/sh reads from stdin, but not here-document bodies', async () => {
    const h = sb.hosts[1];
    const r = await run(
      h,
      '/bin/sh',
      "echo shell-marker-1\ncat > /dev/null <<'EOF'\nheredoc-body-secret\nEOF\necho shell-marker-2\n",
    );
    expect(r.stdout).toBe('shell-marker-1\nshell-marker-2\n');
    const shell = sb.commands(h.name).filter((c) => c.kind === 'shell');
    expect(shell.map((c) => c.command)).toEqual(
      expect.arrayContaining(['echo shell-marker-1', "cat > /dev/null <<'EOF'", 'echo shell-marker-2']),
    );
    expect(JSON.stringify(sb.commands(h.name))).not.toContain('heredoc-body-secret');
  });

  it('can be taken down (connections refused) and brought back', async () => {
    const h = sb.hosts[1];
    const up = () => sb.state().hosts.find((x) => x.name === h.name)?.up;
    sb.setFaults({ hostsDown: [h.name] });
    await eventually(async () => (up() === false ? true : undefined));
    await expect(connect(h)).rejects.toThrow(/ECONNREFUSED/);
    sb.setFaults({ hostsDown: [] });
    await eventually(async () => (up() === true ? true : undefined));
    expect((await run(h, 'echo back')).stdout).toBe('back\n');
  });

  it('can vanish mid-command: the connection drops with no exit status', async () => {
    const h = sb.hosts[2];
    sb.setFaults({ hostsVanish: [h.name] });
    try {
      const client = await connect(h);
      client.on('error', () => {});
      const r = await exec(client, 'echo partial; sleep 30');
      expect(r.dropped).toBe(true);
      expect(r.code).toBeNull();
    } finally {
      sb.setFaults({ hostsVanish: [] });
    }
  });
});
