import { describe, expect, it } from 'vitest';
import { sshRun } from '../../../core/connection/ssh/options.js';
import { selectHosts } from '../../../core/inventory/patterns.js';
import type { Vars } from '../../../core/inventory/types.js';
import type { RunEvent } from '../../../core/output/events.js';
import { recordingReporter } from '../../../core/output/reporters/recording.js';
import { runPlaybook } from '../../../core/play/executor.js';
import { parseYamlPlaybook } from '../../../core/play/yaml-loader.js';
import { PluginRegistry } from '../../../core/plugin/registry.js';
import type { Plugin } from '../../../core/plugin/types.js';
import coreModules from '../../../plugins/core-modules/index.js';
import { memoryFleet, memoryInventory, type Responder } from '../../support/memory-connection.js';

const names = (n: number, prefix = 'h') =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);

async function play(
  yaml: string,
  hosts: string[],
  options: {
    respond?: Responder;
    unreachable?: string[];
    forks?: number;
    extraVars?: Vars;
    check?: boolean;
    tags?: string[];
    skipTags?: string[];
    startAtTask?: string;
    plugins?: Plugin[];
  } = {},
) {
  const fleet = memoryFleet(options.respond);
  for (const h of options.unreachable ?? []) fleet.unreachable.add(h);
  const registry = new PluginRegistry();
  registry.register(coreModules);
  registry.register({ name: 'memory', connections: [fleet.factory] });
  for (const plugin of options.plugins ?? []) registry.register(plugin);
  const inventory = memoryInventory(hosts);
  const recorder = recordingReporter();
  const outcome = await runPlaybook({
    playbook: parseYamlPlaybook(yaml, '/test/play.yml'),
    registry,
    inventory,
    selectHosts: (p) => selectHosts(inventory, p),
    forks: options.forks ?? 50,
    extraVars: options.extraVars,
    check: options.check,
    tags: options.tags,
    skipTags: options.skipTags,
    startAtTask: options.startAtTask,
    connection: sshRun({ connectTimeoutMs: 1000, maxHandshakes: 10, hostKeyChecking: 'off' }),
    emit: recorder.onEvent,
  });
  const rows = new Map(outcome.recap.hosts.map((r) => [r.host, r]));
  return { outcome, events: recorder.events, fleet, rows };
}

const results = (events: RunEvent[], host: string) =>
  events.flatMap((e) => (e.type === 'host.task.result' && e.result.host === host ? [e.result] : []));

describe('executor', () => {
  it('runs 1,000 hosts and emits exactly one terminal event per host', async () => {
    const hosts = names(1000);
    const broken = new Set(['h0013', 'h0500']);
    const { outcome, events, fleet } = await play(
      '- hosts: all\n  gather_facts: false\n  tasks:\n    - shell: one\n    - shell: two\n    - raw: three\n',
      hosts,
      {
        unreachable: ['h0999', 'h0001'],
        respond: (host, cmd) =>
          broken.has(host) && cmd.includes('two') ? { exitCode: 3, stderr: 'boom' } : {},
      },
    );
    const done = events.filter((e) => e.type === 'host.done');
    expect(done).toHaveLength(1000);
    expect(new Set(done.map((e) => (e.type === 'host.done' ? e.host : ''))).size).toBe(1000);
    expect(outcome.recap.hosts.filter((h) => h.status === 'ok')).toHaveLength(996);
    expect(outcome.recap.hosts.filter((h) => h.status === 'failed').map((h) => h.host)).toEqual([
      'h0013',
      'h0500',
    ]);
    expect(outcome.recap.hosts.filter((h) => h.status === 'unreachable').map((h) => h.host)).toEqual([
      'h0001',
      'h0999',
    ]);
    expect(outcome.exitCode).toBe(6);
    // A failed host stops; the others run everything.
    expect(fleet.commands.get('h0013')).toHaveLength(2);
    expect(fleet.commands.get('h0014')).toHaveLength(3);
    // Every connection opened is closed.
    expect([...fleet.opened].every((h) => fleet.closed.has(h))).toBe(true);
    expect(events.at(-1)?.type).toBe('run.end');
  });

  it('keeps hosts in step under linear and lets them run ahead under free', async () => {
    const yaml = (strategy: string) =>
      `- hosts: all\n  gather_facts: false\n  strategy: ${strategy}\n  tasks:\n    - shell: a\n    - shell: b\n`;
    const order = (events: RunEvent[]) =>
      events.flatMap((e) => (e.type === 'host.task.result' ? [`${e.result.host}:${e.result.task}`] : []));
    const linear = await play(yaml('linear'), ['x', 'y'], { forks: 1 });
    expect(order(linear.events)).toEqual(['x:shell', 'y:shell', 'x:shell', 'y:shell']);
    expect(linear.events.filter((e) => e.type === 'task.start')).toHaveLength(2);
    const free = await play(yaml('free'), ['x', 'y'], { forks: 1 });
    const freeOrder = free.events.flatMap((e) => (e.type === 'host.task.result' ? [e.result.host] : []));
    expect(freeOrder).toEqual(['x', 'x', 'y', 'y']);
  });

  it('applies when, register, changed_when, failed_when, ignore_errors and loops', async () => {
    const yaml = `
- hosts: all
  gather_facts: false
  vars: { wanted: [a, b] }
  tasks:
    - name: probe
      shell: probe
      register: probe
      changed_when: false
    - name: only web
      shell: web-only
      when: "'web' in probe.stdout"
    - name: tolerated
      shell: fails
      ignore_errors: true
    - name: judged
      shell: judged
      failed_when: "'bad' in judged_out.stdout"
      register: judged_out
    - name: each
      shell: echo {{ item }}
      loop: "{{ wanted }}"
`;
    const { rows, events, fleet } = await play(yaml, ['web1', 'db1'], {
      respond: (host, cmd) => {
        if (cmd === 'probe') return { stdout: host.startsWith('web') ? 'web\n' : 'db\n' };
        if (cmd === 'fails') return { exitCode: 1 };
        if (cmd === 'judged') return { stdout: host === 'db1' ? 'bad' : 'good' };
        return {};
      },
    });
    // As Ansible counts them: an ignored failure is ok, ignored, and changed when it changed.
    expect(rows.get('web1')).toMatchObject({
      status: 'ok',
      ok: 5,
      changed: 4,
      ignored: 1,
      skipped: 0,
      failed: 0,
    });
    expect(rows.get('db1')).toMatchObject({
      status: 'failed',
      ok: 2,
      changed: 1,
      skipped: 1,
      ignored: 1,
      failed: 1,
    });
    expect(results(events, 'db1').find((r) => r.task === 'only web')?.status).toBe('skipped');
    expect(fleet.commands.get('web1')).toEqual(['probe', 'web-only', 'fails', 'judged', 'echo a', 'echo b']);
  });

  it('retries until a condition holds', async () => {
    let calls = 0;
    const yaml =
      '- hosts: all\n  gather_facts: false\n  tasks:\n    - shell: poll\n      register: r\n      until: r.stdout == "ready"\n      retries: 5\n      delay: 0\n';
    const { rows } = await play(yaml, ['one'], {
      respond: () => {
        calls++;
        return { stdout: calls >= 3 ? 'ready' : 'wait' };
      },
    });
    expect(calls).toBe(3);
    expect(rows.get('one')).toMatchObject({ status: 'ok' });
  });

  it('stops the play for everyone when any_errors_fatal and a host fails', async () => {
    const yaml =
      '- hosts: all\n  gather_facts: false\n  any_errors_fatal: true\n  tasks:\n    - shell: first\n    - shell: second\n';
    const { rows, fleet } = await play(yaml, ['a', 'b', 'c'], {
      respond: (host, cmd) => (host === 'b' && cmd === 'first' ? { exitCode: 1 } : {}),
    });
    expect(fleet.commands.get('a')).toEqual(['first']);
    expect(rows.get('b')?.status).toBe('failed');
    expect(rows.get('a')?.msg).toMatch(/any_errors_fatal/);
  });

  it('runs serial batches one after the other and honours max_fail_percentage', async () => {
    const yaml =
      '- hosts: all\n  gather_facts: false\n  serial: 2\n  max_fail_percentage: 40\n  tasks:\n    - shell: one\n    - shell: two\n';
    const { rows, fleet } = await play(yaml, ['a', 'b', 'c', 'd'], {
      respond: (host, cmd) => (host === 'c' && cmd === 'one' ? { exitCode: 1 } : {}),
    });
    expect(rows.get('a')).toMatchObject({ status: 'ok', ok: 2 });
    expect(rows.get('c')?.status).toBe('failed');
    // 1 of 2 in the second batch failed: 50% > 40%, so d stops too.
    expect(fleet.commands.get('d')).toEqual(['one']);
    expect(rows.get('d')?.status).toBe('failed');
  });

  it('skips modules that cannot predict their changes under --check, and says so', async () => {
    const yaml =
      '- hosts: all\n  gather_facts: false\n  tasks:\n    - raw: reboot\n    - shell: echo hi\n    - debug: { msg: planned }\n';
    const { events, fleet } = await play(yaml, ['a'], { check: true });
    const [raw, shell, debug] = results(events, 'a');
    expect(raw).toMatchObject({
      status: 'skipped',
      msg: 'skipped in check mode: this module cannot predict its changes',
    });
    // As in Ansible: shell and command cannot know what a command would do, unless creates/removes say so.
    expect(shell).toMatchObject({ status: 'skipped' });
    expect(debug).toMatchObject({ status: 'ok' });
    expect(fleet.commands.get('a') ?? []).toEqual([]);
  });

  it('runs only tagged tasks with --tags, and always-tagged ones', async () => {
    const yaml =
      '- hosts: all\n  gather_facts: false\n  tasks:\n    - shell: a\n      tags: [x]\n    - shell: b\n      tags: [y]\n    - shell: c\n      tags: [always]\n';
    const { fleet } = await play(yaml, ['a'], { tags: ['y'] });
    expect(fleet.commands.get('a')).toEqual(['b', 'c']);
  });

  it('gathers facts in one round trip and exposes them to templates', async () => {
    const yaml =
      '- hosts: all\n  tasks:\n    - shell: echo {{ ansible_distribution }} {{ ansible_os_family }}\n';
    const { fleet } = await play(yaml, ['a'], {
      respond: (_h, cmd) =>
        cmd.includes('@@hostname')
          ? { stdout: '@@hostname\na\n@@os-release\nID=ubuntu\nVERSION_ID="22.04"\n@@end\n' }
          : {},
    });
    expect(fleet.commands.get('a')).toHaveLength(2);
    expect(fleet.commands.get('a')?.[1]).toBe('echo Ubuntu Debian');
  });
  it('takes a templated hosts pattern from extra vars', async () => {
    const yaml = '- hosts: "{{ target }}"\n  gather_facts: false\n  tasks:\n    - shell: hi\n';
    const { fleet, rows } = await play(yaml, ['web1', 'web2', 'db1'], {
      extraVars: { target: 'web*:!web2' },
    });
    expect([...rows.keys()]).toEqual(['web1']);
    expect(fleet.commands.get('db1')).toBeUndefined();
  });

  it('lets every host in flight wait on the signal modules get, with no leak warning from Node', async () => {
    // A module that waits on ctx.signal, as the registration waiters do: all 20 hosts listen at once.
    const hosts = names(20);
    let waiting = 0;
    let release = () => {};
    const allWaiting = new Promise<void>((resolve) => {
      release = resolve;
    });
    const waiter: Plugin = {
      name: 'waiter',
      modules: {
        wait_on_signal: {
          local: true,
          async run(ctx) {
            const onAbort = () => {};
            ctx.signal.addEventListener('abort', onAbort);
            if (++waiting === hosts.length) release();
            await allWaiting;
            ctx.signal.removeEventListener('abort', onAbort);
            return { changed: false };
          },
        },
      },
    };
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      const yaml = ['- hosts: all', '  gather_facts: false', '  tasks:', '    - wait_on_signal: {}', ''].join(
        '\n',
      );
      const { outcome } = await play(yaml, hosts, { plugins: [waiter] });
      expect(outcome.exitCode).toBe(0);
      // Node emits 'warning' on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
  });

  it('runs checks in their phases, which --start-at-task, --tags and --skip-tags cannot skip', async () => {
    const checks: Plugin = {
      name: 'phase-checks',
      checks: [
        { name: 'before', phase: 'preflight', run: async () => ({ level: 'pass' }) },
        { name: 'after', phase: 'post-setup', run: async () => ({ level: 'pass' }) },
      ],
    };
    const yaml = [
      '- hosts: all',
      '  gather_facts: false',
      '  tasks:',
      '    - name: first',
      '      shell: one',
      '      tags: [a]',
      '    - name: second',
      '      shell: two',
      '      tags: [b]',
      '',
    ].join('\n');
    const selections = [{ startAtTask: 'second' }, { tags: ['b'] }, { skipTags: ['a'] }];
    for (const selection of selections) {
      const { events } = await play(yaml, ['h1', 'h2'], { plugins: [checks], ...selection });
      expect(results(events, 'h1').map((r) => r.task)).toEqual([
        'preflight: before',
        'second',
        'post-setup: after',
      ]);
      const phases = events.flatMap((e) => (e.type === 'phase' ? [e.phase] : []));
      expect(phases).toEqual(['setup', 'preflight', 'execute', 'post-setup', 'disconnect']);
    }
  });

  it('runs every phase for each host on its own under the free strategy', async () => {
    const checks: Plugin = {
      name: 'phase-checks',
      checks: [{ name: 'before', phase: 'preflight', run: async () => ({ level: 'pass' }) }],
    };
    const { events, rows } = await play(
      '- hosts: all\n  strategy: free\n  gather_facts: false\n  tasks:\n    - shell: one\n',
      ['h1', 'h2', 'h3'],
      { plugins: [checks], startAtTask: 'shell' },
    );
    for (const host of ['h1', 'h2', 'h3']) {
      expect(results(events, host).map((r) => r.task)).toEqual(['preflight: before', 'shell']);
      expect(rows.get(host)).toMatchObject({ status: 'ok', ok: 2 });
    }
  });
});
