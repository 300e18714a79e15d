import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recapOf, runCli } from '../../support/cli.js';

// The example plugin from docs/writing-plugins.md, loaded the two ways a user
// names plugins in a config: a local path and an npm package name.
const EXAMPLE = resolve('docs/examples/plugin-ensure-line/index.ts');
const PACKAGE = resolve('test/fixtures/packages/runner-plugin-ensure-line');

describe('plugins named in the config', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'runner-plugins-'));
    writeFileSync(join(dir, 'inv.yml'), 'all:\n  hosts:\n    here:\n      ansible_connection: local\n');
    writeFileSync(
      join(dir, 'site.yml'),
      [
        '- hosts: all',
        '  gather_facts: false',
        '  tasks:',
        '    - name: add the line',
        `      ensure_line: { path: "${dir}/motd", line: "managed by runner" }`,
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'broken.yml'),
      `- hosts: all\n  gather_facts: false\n  tasks:\n    - ensure_line: { path: "${dir}", line: x }\n`,
    );
    mkdirSync(join(dir, 'by-path'));
    writeFileSync(join(dir, 'by-path', 'runner.config.json'), JSON.stringify({ plugins: [EXAMPLE] }));
    mkdirSync(join(dir, 'by-package', 'node_modules'), { recursive: true });
    writeFileSync(join(dir, 'by-package', 'package.json'), '{"name":"ops"}');
    writeFileSync(
      join(dir, 'by-package', 'runner.config.json'),
      JSON.stringify({ plugins: ['runner-plugin-ensure-line'] }),
    );
    symlinkSync(PACKAGE, join(dir, 'by-package', 'node_modules', 'runner-plugin-ensure-line'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const play = (config: string, playbook: string) =>
    runCli(
      [
        'play',
        join(dir, playbook),
        '-i',
        join(dir, 'inv.yml'),
        '--config',
        join(dir, config, 'runner.config.json'),
        '--json',
      ],
      {
        cwd: join(dir, config),
      },
    );

  it('loads from a local path: the module changes once, then reports ok', async () => {
    rmSync(join(dir, 'motd'), { force: true });
    const first = await play('by-path', 'site.yml');
    expect(first.code).toBe(0);
    expect(recapOf(first).hosts[0]).toMatchObject({ host: 'here', changed: 1, failed: 0 });
    const second = await play('by-path', 'site.yml');
    expect(recapOf(second).hosts[0]).toMatchObject({ changed: 0, failed: 0 });
    expect(readFileSync(join(dir, 'motd'), 'utf8')).toBe('managed by runner\n');
  });

  it("loads from a package name, and its post-setup check's notice reaches the recap", async () => {
    const run = await play('by-package', 'site.yml');
    expect(run.code).toBe(0);
    const check = run.events.find(
      (e) => e.type === 'host.task.result' && e.result.task === 'post-setup: disk-space',
    );
    expect(check).toBeDefined();
    // With a 0% threshold every disk is "too full", so the notice is certain.
    const strict = await runCli(
      ['play', join(dir, 'site.yml'), '-i', join(dir, 'inv.yml'), '-e', 'example_disk_threshold=0', '--json'],
      { cwd: join(dir, 'by-package') },
    );
    const recap = recapOf(strict);
    expect(recap.notices).toEqual([
      {
        host: 'here',
        check: 'post-setup: disk-space',
        message: expect.stringMatching(/^root filesystem \d+% full \(threshold 0%\)$/),
      },
    ]);
  });

  it('lists what the plugin contributes', async () => {
    const run = await runCli(['plugins', 'list', '--json'], { cwd: join(dir, 'by-package') });
    const plugins = JSON.parse(run.stdout) as { name: string; modules: string[]; checks: string[] }[];
    expect(plugins.find((p) => p.name === 'example-ensure-line')).toMatchObject({
      modules: ['ensure_line'],
      checks: ['disk-space (post-setup)'],
    });
  });

  it("reports an error thrown inside the plugin with the plugin's and module's names", async () => {
    const run = await play('by-path', 'broken.yml');
    expect(run.code).toBe(2);
    expect(recapOf(run).hosts[0]?.msg).toBe(
      `ensure_line: module "ensure_line" of plugin "example-ensure-line" threw: ${dir} is a directory`,
    );
  });

  it('names a plugin that cannot be found', async () => {
    writeFileSync(join(dir, 'missing.json'), JSON.stringify({ plugins: ['runner-plugin-nope'] }));
    const run = await runCli(['play', 'site.yml', '-i', 'inv.yml', '--config', 'missing.json'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`runner: plugin "runner-plugin-nope" not found from ${dir}`);
  });
});

// Plugins and configs outside any package that has runner installed: they import
// the runner that loads them (here the repo's build), and a failed import says
// which specifier, from which file, and what to do.
describe('what plugins import', () => {
  let dir: string;
  const write = (file: string, lines: string[]) => {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), `${lines.join('\n')}\n`);
  };
  const play = (project: string) =>
    runCli(['play', 'site.yml', '-i', join(dir, 'inv.yml'), '--json'], { cwd: join(dir, project) });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'runner-imports-'));
    writeFileSync(join(dir, 'inv.yml'), 'all:\n  hosts:\n    here:\n      ansible_connection: local\n');
    // A TypeScript plugin in a folder with no package.json: ES module syntax loads as ESM.
    write('plugins/by-name.ts', [
      "import { definePlugin, isSecret, Secret } from 'fleet-runner';",
      "import { Secret as OldName } from 'runner';",
      "export default definePlugin({ name: 'by-name', modules: { same: { async run() {",
      "  return { changed: false, msg: `same class: ${OldName === Secret && isSecret(new OldName('abcd'))}` };",
      '} } } });',
    ]);
    write('plugins/missing-dep.mjs', [
      "import { definePlugin } from 'fleet-runner';",
      "import left from 'left-pad-not-installed';",
      "export default definePlugin({ name: 'missing', modules: {} });",
    ]);
    write('plugins/missing-file.ts', ["export { helper } from './helpers/nope.js';", 'export default {};']);
    for (const [project, plugin] of [
      ['ok', '../plugins/by-name.ts'],
      ['dep', '../plugins/missing-dep.mjs'],
      ['file', '../plugins/missing-file.ts'],
    ]) {
      write(`${project}/runner.config.json`, [JSON.stringify({ plugins: [plugin] })]);
      write(`${project}/site.yml`, ['- hosts: all', '  gather_facts: false', '  tasks:', '    - same: {}']);
    }
    write('config-ts/runner.config.ts', [
      "import { defineConfig } from 'fleet-runner';",
      "export default defineConfig({ plugins: ['../plugins/by-name.ts'] });",
    ]);
    write('config-ts/site.yml', ['- hosts: all', '  gather_facts: false', '  tasks:', '    - same: {}']);
    write('config-bad/runner.config.ts', [
      "import { defineConfig } from 'runner-config-helpers';",
      'export default defineConfig({});',
    ]);
    write('config-bad/site.yml', ['- hosts: all', '  tasks: []']);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("resolves 'fleet-runner' and 'runner' to the runner that loads the plugin", async () => {
    const run = await play('ok');
    expect(run.code).toBe(0);
    const result = run.events.find((e) => e.type === 'host.task.result');
    expect(result?.type === 'host.task.result' && result.result.msg).toBe('same class: true');
  });

  it('loads a TypeScript config that imports defineConfig by package name', async () => {
    const run = await play('config-ts');
    expect(run.code).toBe(0);
  });

  it("names a plugin's missing dependency, the file that imports it, and how to install it", async () => {
    const run = await play('dep');
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      `runner: plugin "../plugins/missing-dep.mjs" failed to load: cannot resolve "left-pad-not-installed" imported from ${dir}/plugins/missing-dep.mjs: install it where that file can find it (npm install left-pad-not-installed in its folder or a parent)`,
    );
  });

  it("names a plugin's missing relative import and the file that imports it", async () => {
    const run = await play('file');
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      `runner: plugin "../plugins/missing-file.ts" failed to load: cannot resolve "${dir}/plugins/helpers/nope.js" imported from ${dir}/plugins/missing-file.ts: no such file (ES modules name files with their extension)`,
    );
  });

  it("names a config's missing import and the config file", async () => {
    const run = await play('config-bad');
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      `runner: cannot read config: cannot resolve "runner-config-helpers" imported from ${dir}/config-bad/runner.config.ts: install it where that file can find it (npm install runner-config-helpers in its folder or a parent)`,
    );
  });
});
