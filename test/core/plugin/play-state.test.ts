import { describe, expect, it } from 'vitest';
import { sshRun } from '../../../core/connection/ssh/options.js';
import { selectHosts } from '../../../core/inventory/patterns.js';
import { recordingReporter } from '../../../core/output/reporters/recording.js';
import { runPlaybook } from '../../../core/play/executor.js';
import { parseYamlPlaybook } from '../../../core/play/yaml-loader.js';
import { definePlayState, PlayStore } from '../../../core/plugin/play-state.js';
import { PluginRegistry } from '../../../core/plugin/registry.js';
import type { Plugin } from '../../../core/plugin/types.js';
import { runModule } from '../../../core/testing/run-module.js';
import coreModules from '../../../plugins/core-modules/index.js';
import { memoryFleet, memoryInventory } from '../../support/memory-connection.js';

/**
 * The typed per-play store: one value per play, created on first use, seen
 * alike by hooks, checks and modules, never in vars, disposed once when the
 * play ends.
 */
interface Tally {
  id: number;
  hosts: string[];
}

function probe() {
  let made = 0;
  const disposed: number[] = [];
  const key = definePlayState<Tally>(
    'tally',
    () => ({ id: ++made, hosts: [] }),
    (t) => {
      disposed.push(t.id);
    },
  );
  const seen: { where: string; id: number }[] = [];
  const varsSeen: string[] = [];
  const plugin: Plugin = {
    name: 'tally',
    modules: {
      tally: {
        local: true,
        async run(ctx) {
          const t = ctx.state.get(key);
          t.hosts.push(ctx.host);
          seen.push({ where: `module ${ctx.host}`, id: t.id });
          varsSeen.push(JSON.stringify(ctx.vars));
          return { changed: false, msg: `play ${t.id}` };
        },
      },
    },
    checks: [
      {
        name: 'tally',
        phase: 'preflight',
        async run(ctx) {
          seen.push({ where: `check ${ctx.host}`, id: ctx.state.get(key).id });
          return { level: 'pass' };
        },
      },
    ],
    hooks: {
      beforePlay(ctx) {
        seen.push({ where: `beforePlay ${ctx.play}`, id: ctx.state.get(key).id });
      },
      afterHost(ctx) {
        seen.push({ where: `afterHost ${ctx.host}`, id: ctx.state.get(key).id });
      },
      afterPlay(ctx) {
        seen.push({ where: `afterPlay ${ctx.play}`, id: ctx.state.get(key).id });
        // Not disposed yet: afterPlay still reads it.
        expect(disposed).not.toContain(ctx.state.get(key).id);
      },
    },
  };
  return { key, plugin, seen, varsSeen, disposed, made: () => made };
}

async function run(yaml: string, plugin: Plugin) {
  const fleet = memoryFleet();
  const registry = new PluginRegistry();
  registry.register(coreModules);
  registry.register({ name: 'memory', connections: [fleet.factory] });
  registry.register(plugin);
  const inventory = memoryInventory(['a', 'b', 'c']);
  const recorder = recordingReporter();
  const outcome = await runPlaybook({
    playbook: parseYamlPlaybook(yaml, '/test/play.yml'),
    registry,
    inventory,
    selectHosts: (p) => selectHosts(inventory, p),
    forks: 5,
    connection: sshRun({ connectTimeoutMs: 1000, maxHandshakes: 10, hostKeyChecking: 'off' }),
    emit: recorder.onEvent,
  });
  return { outcome, events: recorder.events };
}

const TWO_PLAYS = `
- name: one
  hosts: all
  gather_facts: false
  tasks:
    - tally:
    - debug: msg=done
- name: two
  hosts: a,b
  gather_facts: false
  tasks:
    - tally:
`;

describe('per-play state store', () => {
  it('gives every hook, check and module of a play the same value, and the next play a new one', async () => {
    const p = probe();
    const { outcome } = await run(TWO_PLAYS, p.plugin);
    expect(outcome.recap.hosts.filter((h) => h.status !== 'ok')).toEqual([]);
    expect(outcome.exitCode).toBe(0);
    expect(p.made()).toBe(2);
    const ids = (prefix: string) => [
      ...new Set(p.seen.filter((s) => s.where.startsWith(prefix)).map((s) => s.id)),
    ];
    const firstPlay = p.seen.slice(0, p.seen.findIndex((s) => s.where === 'afterPlay one') + 1);
    expect(new Set(firstPlay.map((s) => s.id))).toEqual(new Set([1]));
    expect(firstPlay.map((s) => s.where)).toEqual(
      expect.arrayContaining([
        'beforePlay one',
        'check a',
        'module a',
        'module b',
        'module c',
        'afterHost c',
      ]),
    );
    expect(ids('afterPlay')).toEqual([1, 2]);
    // The second play's value knows only its own hosts: nothing carried over.
    expect(
      p.seen
        .filter((s) => s.where.startsWith('module') && s.id === 2)
        .map((s) => s.where)
        .sort(),
    ).toEqual(['module a', 'module b']);
  });

  it('is disposed once per play, after afterPlay', async () => {
    const p = probe();
    await run(TWO_PLAYS, p.plugin);
    expect(p.disposed).toEqual([1, 2]);
  });

  it('never appears in vars (templates, debug, register)', async () => {
    const p = probe();
    const { events } = await run(TWO_PLAYS, p.plugin);
    // What a template, `debug: var=` or `register:` could reach is the task's vars: the store is not there.
    expect(p.varsSeen).toHaveLength(5);
    for (const v of p.varsSeen) expect(v).not.toMatch(/tally|"hosts":\["a"|"id":1/);
    const ndjson = JSON.stringify(events);
    expect(ndjson).not.toMatch(/"hosts":\["a"(,"b")?(,"c")?\]\}|"id":1/);
  });

  it('creates nothing for a play that never asks', async () => {
    const p = probe();
    const quiet: Plugin = { name: 'quiet', hooks: {} };
    await run(TWO_PLAYS.replaceAll('    - tally:\n', '    - debug: msg=hi\n'), quiet);
    expect(p.made()).toBe(0);
  });

  it('keeps values of two keys apart, even with the same name, and refuses reads after dispose', async () => {
    const store = new PlayStore();
    const k1 = definePlayState('same', () => ({ n: 1 }));
    const k2 = definePlayState('same', () => ({ n: 2 }));
    expect(store.get(k1).n).toBe(1);
    expect(store.get(k2).n).toBe(2);
    expect(store.get(k1)).toBe(store.get(k1));
    await store.dispose();
    await store.dispose();
    expect(() => store.get(k1)).toThrow('play state "same" read after its play ended');
  });

  it('runs every dispose even when one throws, then throws the first error', async () => {
    const store = new PlayStore();
    const done: string[] = [];
    store.get(
      definePlayState(
        'a',
        () => 'a',
        () => void done.push('a'),
      ),
    );
    store.get(
      definePlayState(
        'b',
        () => 'b',
        () => {
          throw new Error('b broke');
        },
      ),
    );
    await expect(store.dispose()).rejects.toThrow('b broke');
    expect(done).toEqual(['a']);
  });

  it("gives runModule's module a store of its own, or the one the test shares", async () => {
    const p = probe();
    const tally = p.plugin.modules!.tally!;
    await runModule(tally, {}, { host: 'x' });
    await runModule(tally, {}, { host: 'y' });
    expect(p.made()).toBe(2);
    expect(p.disposed).toEqual([1, 2]);
    const shared = new PlayStore();
    await runModule(tally, {}, { host: 'x', state: shared });
    await runModule(tally, {}, { host: 'y', state: shared });
    expect(shared.get(p.key).hosts).toEqual(['x', 'y']);
    await shared.dispose();
    expect(p.disposed).toEqual([1, 2, 3]);
  });
});
