import { describe, expect, it } from 'vitest';
import { sshRun } from '../../../core/connection/ssh/options.js';
import { selectHosts } from '../../../core/inventory/patterns.js';
import type { RunEvent } from '../../../core/output/events.js';
import { recordingReporter } from '../../../core/output/reporters/recording.js';
import { runPlaybook } from '../../../core/play/executor.js';
import { parseYamlPlaybook } from '../../../core/play/yaml-loader.js';
import { PluginRegistry } from '../../../core/plugin/registry.js';
import coreModules from '../../../plugins/core-modules/index.js';
import {
  type MemoryFleet,
  memoryFleet,
  memoryInventory,
  type Responder,
} from '../../support/memory-connection.js';
import { visibleRun } from '../../support/visible-events.js';

// The executor's side of batching, on the in-process connection: which
// commands a host gets in one execBatch, and that what a user sees is what
// the same play shows one command at a time (a connection without execBatch).
async function play(
  yaml: string,
  hosts: string[],
  batch: boolean,
  respond?: Responder,
  watch?: (event: RunEvent, fleet: MemoryFleet) => void,
) {
  const fleet = memoryFleet(respond, { batch });
  const registry = new PluginRegistry();
  registry.register(coreModules);
  registry.register({ name: 'memory', connections: [fleet.factory] });
  const inventory = memoryInventory(hosts, { role: 'web' });
  const recorder = recordingReporter();
  const outcome = await runPlaybook({
    playbook: parseYamlPlaybook(yaml, '/test/play.yml'),
    registry,
    inventory,
    selectHosts: (p) => selectHosts(inventory, p),
    forks: 10,
    connection: sshRun({ connectTimeoutMs: 1000, maxHandshakes: 10, hostKeyChecking: 'off' }),
    emit: (event) => {
      watch?.(event, fleet);
      recorder.onEvent(event);
    },
  });
  return { outcome, events: recorder.events, fleet };
}

/** Both ways, checked to look the same; returns the batched run. */
async function same(yaml: string, hosts: string[], respond?: Responder) {
  const batched = await play(yaml, hosts, true, respond);
  const single = await play(yaml, hosts, false, respond);
  expect(visibleRun(batched.events, hosts)).toEqual(visibleRun(single.events, hosts));
  expect(batched.outcome.exitCode).toBe(single.outcome.exitCode);
  // The same commands reach each host, in the same order.
  expect(batched.fleet.commands).toEqual(single.fleet.commands);
  return batched;
}

const HOSTS = ['a', 'b'];

describe('running batch groups', () => {
  it('sends a group in one execBatch and hands each result over at its task, linear and free', async () => {
    for (const strategy of ['linear', 'free']) {
      const { fleet } = await same(
        `
- hosts: all
  gather_facts: false
  strategy: ${strategy}
  tasks:
    - shell: one {{ inventory_hostname }}
    - command: two
      changed_when: false
    - raw: three
      register: r
    - debug: { msg: "{{ r.stdout }}" }
    - shell: four
    - shell: five
`,
        HOSTS,
        (_h, cmd) => ({ stdout: `out of ${cmd}` }),
      );
      expect(fleet.batches.get('a')).toEqual([
        ['one a', 'exec two', 'three'],
        ['four', 'five'],
      ]);
    }
  });

  it('leaves a task whose when is false out of the batch and reports it skipped', async () => {
    const { fleet, events } = await same(
      `
- hosts: all
  gather_facts: false
  tasks:
    - shell: one
    - shell: never
      when: role == 'db'
    - shell: three
`,
      HOSTS,
    );
    expect(fleet.batches.get('a')).toEqual([['one', 'three']]);
    expect(events.filter((e) => e.type === 'host.task.result' && e.result.status === 'skipped')).toHaveLength(
      2,
    );
  });

  it('stops the chain at a failing task, and goes on after one with ignore_errors', async () => {
    const respond: Responder = (host, cmd) => (host === 'b' && cmd === 'two' ? { exitCode: 4 } : {});
    const failed = await same(
      '- hosts: all\n  gather_facts: false\n  tasks:\n    - shell: one\n    - shell: two\n    - shell: three\n',
      HOSTS,
      respond,
    );
    expect(failed.fleet.commands.get('b')).toEqual(['one', 'two']);
    expect(failed.outcome.recap.hosts.map((h) => h.status)).toEqual(['ok', 'failed']);
    const ignored = await same(
      '- hosts: all\n  gather_facts: false\n  tasks:\n    - shell: one\n    - shell: two\n      ignore_errors: true\n    - shell: three\n',
      HOSTS,
      respond,
    );
    expect(ignored.fleet.commands.get('b')).toEqual(['one', 'two', 'three']);
    expect(ignored.fleet.batches.get('b')).toEqual([['one', 'two', 'three']]);
  });

  it('ends a batch before a task that cannot join it at run time; that task runs alone as before', async () => {
    const { fleet, events } = await same(
      `
- hosts: all
  gather_facts: false
  tasks:
    - shell: one
    - shell: two
    - shell: "{{ nowhere_defined }}"
    - shell: cat
      args: { stdin: hello }
    - shell: five
`,
      HOSTS,
    );
    // The third fails in templating, alone, as it always did: the host stops there.
    expect(fleet.batches.get('a')).toEqual([['one', 'two']]);
    const third = events.find(
      (e) => e.type === 'host.task.result' && e.result.host === 'a' && e.result.status === 'failed',
    );
    expect(third).toBeDefined();
  });

  it('runs nothing early under --check or any_errors_fatal', async () => {
    const { fleet } = await play(
      '- hosts: all\n  gather_facts: false\n  any_errors_fatal: true\n  tasks:\n    - shell: one\n    - shell: two\n',
      HOSTS,
      true,
    );
    expect(fleet.batches.size).toBe(0);
    expect(fleet.commands.get('a')).toEqual(['one', 'two']);
  });

  it("closes a host's connection as soon as a batch ran the last task of its last play", async () => {
    // Closed-before-shown: when the last task's result is reported, the host's connection is
    // already closed (its sshd and shell end with its work), while events still come in task order.
    const closedWhenShown = async (yaml: string) => {
      const seen: Record<string, boolean> = {};
      const { outcome, fleet } = await play(yaml, HOSTS, true, undefined, (event, fleet) => {
        if (event.type === 'host.task.result' && event.result.task === 'last')
          seen[event.result.host] = fleet.closed.has(event.result.host);
      });
      expect(outcome.exitCode).toBe(0);
      expect([...fleet.closed].sort()).toEqual(HOSTS);
      return seen;
    };
    const tasks = '    - shell: one\n    - shell: two\n    - name: last\n      shell: three\n';
    expect(await closedWhenShown(`- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}`)).toEqual({
      a: true,
      b: true,
    });
    // A later play on the same hosts needs the connection: it stays open until the run ends.
    const twoPlays = `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}- hosts: all\n  gather_facts: false\n  tasks:\n    - shell: four\n`;
    expect(await closedWhenShown(twoPlays)).toEqual({ a: false, b: false });
    // So does a task after the batch (a controller-only one here, which never joins a batch).
    const trailing = `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}    - debug: { msg: done }\n`;
    expect(await closedWhenShown(trailing)).toEqual({ a: false, b: false });
  });
});
