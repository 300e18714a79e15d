import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { registerSandboxCommands } from '../../sandbox/cli.js';
import { parseEnvLines } from '../../sandbox/env.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'runner-sandbox-cli-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A program with only the sandbox commands, its output captured. */
function program(untilStopped?: () => Promise<void>) {
  const out: string[] = [];
  const p = new Command('runner').exitOverride();
  registerSandboxCommands(p, { out: (t) => out.push(t), untilStopped });
  return { p, out };
}

describe('runner sandbox start | status | reset', () => {
  it('starts in the foreground, writes env and inventory, answers status and reset, stops on request', {
    timeout: 600_000,
  }, async () => {
    const dir = tempDir();
    let stop: () => void = () => {};
    const stopped = new Promise<void>((r) => {
      stop = r;
    });
    const start = program(() => stopped);
    const running = start.p.parseAsync(['node', 'runner', 'sandbox', 'start', '--hosts', '2', '--dir', dir]);
    const envFile = join(dir, 'env');
    // Until the sandbox has written its state (or start failed), however long that takes under load.
    let settled = false;
    void running.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    while (!existsSync(join(dir, 'sandbox.json')) && !settled) await new Promise((r) => setTimeout(r, 50));
    if (!existsSync(join(dir, 'sandbox.json'))) await running;
    const env = parseEnvLines(readFileSync(envFile, 'utf8'));
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining([
        'AWS_ENDPOINT_URL',
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
        'AWS_REGION',
        'RUNNER_SANDBOX_STACK_ID',
      ]),
    );
    expect(start.out.join('')).toContain(`export AWS_ENDPOINT_URL=${env.AWS_ENDPOINT_URL}`);
    const inventory = parse(readFileSync(join(dir, 'inventory.yml'), 'utf8'));
    const onPrem = inventory.all.children.on_premises.hosts['sandbox-001'];
    expect(onPrem).toMatchObject({ ansible_host: '127.0.1.1', opsworks_infrastructure_class: 'on-premises' });
    expect(onPrem.ansible_port).toBeGreaterThan(0);
    expect(existsSync(onPrem.ansible_ssh_private_key_file)).toBe(true);
    expect(inventory.all.children.ec2.hosts['sandbox-002'].ec2_instance_id).toMatch(/^i-[0-9a-f]{17}$/);

    const status = program();
    await status.p.parseAsync(['node', 'runner', 'sandbox', 'status', '--dir', dir]);
    expect(status.out.join('')).toContain('hosts      2/2 up (1 ec2)');
    const reset = program();
    await reset.p.parseAsync(['node', 'runner', 'sandbox', 'reset', '--dir', dir]);
    expect(reset.out.join('')).toBe('sandbox reset\n');

    stop();
    await running;
    expect(existsSync(join(dir, 'sandbox.json'))).toBe(false);
    const after = program();
    await expect(
      after.p.parseAsync(['node', 'runner', 'sandbox', 'status', '--dir', dir]),
    ).rejects.toMatchObject({
      code: 'CONNECT_REFUSED',
    });
  });

  it('says how to start one when there is none', async () => {
    const none = program();
    await expect(
      none.p.parseAsync(['node', 'runner', 'sandbox', 'status', '--dir', join(tempDir(), 'missing')]),
    ).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
  });

  it('stops cleanly on SIGTERM when run as a process', { timeout: 600_000 }, async () => {
    const dir = tempDir();
    const script = [
      "import { Command } from 'commander';",
      "import { registerSandboxCommands } from './sandbox/cli.ts';",
      "const p = new Command('runner'); registerSandboxCommands(p);",
      'await p.parseAsync(process.argv);',
    ].join('\n');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        script,
        'node',
        'sandbox',
        'start',
        '--hosts',
        '1',
        '--dir',
        dir,
      ],
      { cwd: join(import.meta.dirname, '../..'), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Waits for the sandbox to say it is up (or for the process to end), however long start-up
    // takes on a loaded machine: no polling window.
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('Ctrl-C stops it')) resolve();
      });
      void exited.then(() => resolve());
    });
    expect(stdout).toContain('export AWS_ENDPOINT_URL=http://127.0.0.1:');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toContain('# runner sandbox stopped');
    expect(existsSync(join(dir, 'sandbox.json'))).toBe(false);
  });
});
