import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinLightParts, builtinPlugins, registerBuiltins } from '../../core/builtins.js';
import { BUILTIN_MANIFESTS } from '../../core/builtins-manifest.js';
import { isRunnerError } from '../../core/errors.js';
import { resolvePlaybook } from '../../core/play/resolve-playbook.js';
import { loadProject } from '../../core/play/run-play.js';
import { manifestOf } from '../../core/plugin/manifest.js';
import { PluginRegistry } from '../../core/plugin/registry.js';

const REGENERATE = 'run `npx tsx .ci/builtins-manifest.ts`';

describe('the built-in plugins manifest', () => {
  it('says exactly what each built-in plugin contributes, in registration order', async () => {
    const actual = (await builtinPlugins()).map(manifestOf);
    expect(BUILTIN_MANIFESTS, `core/builtins-manifest.ts is out of date: ${REGENERATE}`).toEqual(actual);
  });

  it("loads each plugin's CLI and inventory file tests from light files that are the plugin's own", async () => {
    for (const plugin of await builtinPlugins()) {
      const light = await builtinLightParts(plugin.name);
      expect(light.cli, `${plugin.name}: cli in core/builtins.ts`).toBe(plugin.cli);
      for (const source of plugin.inventorySources ?? []) {
        expect(light.accepts?.[source.name], `${plugin.name}: accepts of ${source.name}`).toBe(
          source.accepts,
        );
      }
    }
  });
});

describe('built-in plugins load when a play uses them', () => {
  let dir: string;
  const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'runner-builtins-'));
    write('debug.yml', '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: { msg: hi }\n');
    write('shell.yml', '- hosts: all\n  gather_facts: false\n  tasks:\n    - shell: echo hi\n');
    write('facts.yml', '- hosts: all\n  tasks:\n    - debug: { msg: hi }\n');
    write('typo.yml', '- hosts: all\n  gather_facts: false\n  tasks:\n    - opsworks_stak: {}\n');
    write('steps.yml', '- hosts: all\n  gather_facts: false\n  tasks:\n    - register_context: {}\n');
  });

  /** The plugins whose code a playbook loads, in registration order. */
  async function loadedBy(spec: string): Promise<string[]> {
    const project = await loadProject({ cwd: dir });
    await resolvePlaybook(spec, project.registry, dir);
    return project.registry.plugins.map((p) => p.name);
  }

  it('a one-task debug play loads core-modules only', async () => {
    expect(await loadedBy('debug.yml')).toEqual(['core-modules']);
  });

  it('a shell play loads core-modules and the connection kinds, not opsworks, ssm, sandbox or aws_ec2', async () => {
    expect(await loadedBy('shell.yml')).toEqual(['core-modules', 'connections']);
    // Gathering facts runs `setup` on the host: a connection too.
    expect(await loadedBy('facts.yml')).toEqual(['core-modules', 'connections']);
  });

  it('a shell play sees its modules whole once loaded: shell, command and raw can be batched', async () => {
    // The executor asks registry.modules for a module's batch hook before the first task runs.
    const project = await loadProject({ cwd: dir });
    await resolvePlaybook('shell.yml', project.registry, dir);
    for (const name of ['shell', 'command', 'raw'])
      expect(project.registry.modules.get(name)?.value.batch, name).toBeDefined();
  });

  it('the register playbook loads its steps, its checks and the services that bind themselves in hooks', async () => {
    const loaded = await loadedBy('register');
    expect(loaded).toEqual([
      'core-modules',
      'connections',
      'registration',
      'opsworks',
      'ssm',
      'infra-on-premises',
      'infra-ec2',
      'credentials',
      'checks',
      'sandbox',
    ]);
  });

  it('a YAML play of register steps also gets the services (their beforePlay hooks bind them)', async () => {
    const loaded = await loadedBy('steps.yml');
    expect(loaded).toEqual(expect.arrayContaining(['registration', 'opsworks', 'ssm', 'credentials']));
  });

  it('an unknown module loads every plugin, so the error suggests from every module name', async () => {
    const project = await loadProject({ cwd: dir });
    await resolvePlaybook('typo.yml', project.registry, dir);
    expect(project.registry.plugins).toHaveLength(BUILTIN_MANIFESTS.length);
    expect(project.registry.modules.has('opsworks_stack')).toBe(true);
  });

  it('an unknown playbook name lists every known playbook, as before', async () => {
    const project = await loadProject({ cwd: dir });
    const error = await resolvePlaybook('regster', project.registry, dir).catch((e: unknown) => e);
    expect(isRunnerError(error) && error.message).toBe(
      'playbook "regster" is neither a file nor a plugin playbook (known: register)',
    );
  });

  it('counts each lazy plugin once, however many plays ask for it at once', async () => {
    const registry = new PluginRegistry();
    const loads: string[] = [];
    registry.onLoad = (name) => loads.push(name);
    await registerBuiltins(registry);
    expect(registry.plugins).toEqual([]);
    // Inventory sources answer from their light file test, without loading their plugin.
    expect(registry.inventorySources.map((s) => s.name)).toEqual(['aws_ec2', 'runner_sandbox']);
    expect(
      registry.inventorySources[1]!.value.accepts('x/demo.sandbox.yml', 'plugin: runner_sandbox\n'),
    ).toBe(true);
    await Promise.all([
      registry.loadNamed('playbooks', 'register'),
      registry.loadNamed('playbooks', 'register'),
    ]);
    expect(loads).toEqual(['registration']);
  });

  it('keeps registration order: a user plugin registered after a lazy built-in still wins its module name', async () => {
    const registry = new PluginRegistry();
    await registerBuiltins(registry);
    registry.register({ name: 'mine', modules: { debug: { run: async () => ({ changed: true }) } } });
    await registry.loadFor({
      name: 'p',
      plays: [
        { name: 'p', hosts: 'all', gatherFacts: false, tasks: [{ name: 't', module: 'set_fact', args: {} }] },
      ],
    });
    expect(registry.plugins.map((p) => p.name)).toEqual(['core-modules', 'mine']);
    expect(registry.modules.get('debug')?.plugin).toBe('mine');
    expect(registry.modules.get('set_fact')?.plugin).toBe('core-modules');
  });
});
