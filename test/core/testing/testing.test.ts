import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { definePlaybook, definePlugin, isRunnerError, Secret } from '../../../core/index.js';
import { runModule, runTestPlaybook, type Sandbox, startSandbox } from '../../../core/testing/index.js';

// A plugin as an author would write it: one module that reads a fact and decides.
const greet = {
  description: 'writes a greeting file unless it is already there',
  args: z.object({ path: z.string(), text: z.string() }),
  async run(ctx: import('../../../core/index.js').ModuleContext, args: { path: string; text: string }) {
    const seen = await ctx.connection.exec(`cat ${args.path}`);
    if (seen.exitCode === 0 && seen.stdout === args.text) return { changed: false };
    await ctx.connection.put(args.text, args.path, { mode: 0o644 });
    return { changed: true, msg: `wrote ${args.path}` };
  },
};
const plugin = definePlugin({ name: 'greeter', modules: { greet } });

describe('runModule', () => {
  it('runs a module on an in-memory host: the commands it sent and the files it put', async () => {
    const run = await runModule(
      greet,
      { path: '/etc/motd', text: 'hi' },
      { respond: () => ({ exitCode: 1 }) },
    );
    expect(run.result).toEqual({ changed: true, msg: 'wrote /etc/motd' });
    expect(run.commands).toEqual(['cat /etc/motd']);
    expect(run.files.get('/etc/motd')).toEqual({ content: 'hi', mode: 0o644 });
  });

  it('reports no change when the host already has it', async () => {
    const run = await runModule(
      greet,
      { path: '/etc/motd', text: 'hi' },
      { respond: () => ({ stdout: 'hi' }) },
    );
    expect(run.result.changed).toBe(false);
    expect(run.files.size).toBe(0);
  });

  it('checks args against the schema, naming the arg', async () => {
    const error = await runModule(greet, { path: 1 }, { name: 'greet' }).catch((e) => e);
    expect(isRunnerError(error) && error.code).toBe('MODULE_ARGS_INVALID');
    expect(error.message).toMatch(/^module "greet": path: /);
  });
});

describe('runTestPlaybook', () => {
  const playbook = definePlaybook({
    name: 'greet',
    plays: [
      {
        name: 'greet all',
        hosts: 'all',
        gatherFacts: false,
        tasks: [{ name: 'greet', module: 'greet', args: { path: '/tmp/motd', text: 'hi' } }],
      },
    ],
  });

  it('runs a playbook with the plugin over in-memory hosts, one unreachable', async () => {
    const run = await runTestPlaybook({
      playbook,
      plugins: [plugin],
      hosts: ['a', 'b', 'c'],
      unreachable: ['c'],
      respond: (_command, host) => (host === 'a' ? { stdout: 'hi' } : { exitCode: 1 }),
    });
    expect(run.exitCode).toBe(4);
    const byHost = Object.fromEntries(run.recap.hosts.map((h) => [h.host, h]));
    expect(byHost.a).toMatchObject({ ok: 1, changed: 0 });
    expect(byHost.b).toMatchObject({ ok: 1, changed: 1 });
    expect(byHost.c).toMatchObject({ unreachable: 1 });
    expect(run.files.get('b')?.get('/tmp/motd')?.content).toBe('hi');
    expect(run.files.has('a')).toBe(false);
  });

  it('redacts secrets in the events it returns, as every reporter gets them', async () => {
    const token = 'tok-3c1f-never-shown';
    const run = await runTestPlaybook({
      playbook: definePlaybook({
        name: 'secret',
        plays: [
          {
            name: 'p',
            hosts: 'all',
            gatherFacts: false,
            tasks: [{ name: 'show', module: 'debug', args: { msg: '{{ token }}' } }],
          },
        ],
      }),
      vars: { token: new Secret(token) },
    });
    expect(run.exitCode).toBe(0);
    expect(JSON.stringify(run.events)).not.toContain(token);
  });
});

describe('runTestPlaybook against the embedded sandbox', () => {
  let sandbox: Sandbox;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'runner-testing-'));
    sandbox = await startSandbox({ hosts: 2 });
    await sandbox.writeInventory(join(dir, 'inventory.yml'));
  });

  afterAll(async () => {
    await sandbox?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the module over SSH on the sandbox hosts, and a second run changes nothing', async () => {
    const site = definePlaybook({
      name: 'greet',
      plays: [
        {
          name: 'greet',
          hosts: 'all',
          gatherFacts: false,
          tasks: [
            {
              name: 'greet',
              module: 'greet',
              args: { path: `${dir}/{{ inventory_hostname }}.motd`, text: 'hi' },
            },
          ],
        },
      ],
    });
    const inventory = [join(dir, 'inventory.yml')];
    const first = await runTestPlaybook({ playbook: site, plugins: [plugin], inventory });
    expect(first.exitCode).toBe(0);
    expect(first.recap.hosts.map((h) => h.changed)).toEqual([1, 1]);
    const host = sandbox.hosts[0]!.name;
    expect(readFileSync(join(dir, `${host}.motd`), 'utf8')).toBe('hi');
    // The file went over SFTP: a real SSH session on each sandbox host.
    const sftp = sandbox.commands().filter((c) => c.kind === 'subsystem' && c.command === 'sftp');
    expect(new Set(sftp.map((c) => c.host)).size).toBe(2);
    const second = await runTestPlaybook({ playbook: site, plugins: [plugin], inventory });
    expect(second.recap.hosts.map((h) => h.changed)).toEqual([0, 0]);
  });
});
