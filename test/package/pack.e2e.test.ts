import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

// The package as a user gets it: `npm pack`, installed from the tarball into
// an empty folder and into a global prefix, used from a plugin folder that
// has no runner of its own, and a scaffolded plugin tested with only the
// packed runner. One pack and one install of each kind for the whole file.
const ROOT = new URL('../..', import.meta.url).pathname;
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const run = promisify(execFile);

/** The environment a user's shell would have: none of this suite's vitest variables. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS'),
  );
  return {
    ...env,
    CI: '1',
    NO_COLOR: '1',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    // Under `npm test` the suite runs in a network namespace with nothing past
    // its loopback: every install here is served from npm's cache, which
    // .ci/warm-npm-cache.sh fills. A package the cache lacks (an optional one
    // the registry itself does not have, say) fails at once instead of
    // retrying a DNS lookup that cannot succeed until the test times out.
    npm_config_fetch_retries: '0',
    ...extra,
  };
}

async function sh(file: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  try {
    return await run(file, args, { cwd, env: userEnv(env), maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${file} ${args.join(' ')} (in ${cwd}) failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`,
    );
  }
}

const SECRET = 'tok-93f1-packed-plugin';

describe(`the packed ${PKG.name}`, () => {
  let dir: string;
  let tarball: string;
  let files: string[];
  const bins: Record<'local' | 'global', string> = { local: '', global: '' };
  const seconds: Record<string, number> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'runner-pack-'));
    // dist/ is the fresh build (global setup); prepare would only build it again.
    const packed = await sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT);
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    tarball = join(dir, info!.filename);
    files = info!.files.map((f) => f.path);

    mkdirSync(join(dir, 'app'));
    writeFileSync(join(dir, 'app', 'package.json'), '{ "name": "app", "private": true }\n');
    const timed = async (label: string, work: () => Promise<unknown>) => {
      const started = Date.now();
      await work();
      seconds[label] = (Date.now() - started) / 1000;
    };
    await Promise.all([
      timed('npm install <tarball>', () =>
        sh('npm', ['install', '--prefer-offline', tarball], join(dir, 'app')),
      ),
      timed('npm install -g <tarball>', () =>
        sh('npm', ['install', '-g', '--prefer-offline', '--prefix', join(dir, 'global'), tarball], dir),
      ),
    ]);
    bins.local = join(dir, 'app', 'node_modules', '.bin', 'runner');
    bins.global = join(dir, 'global', 'bin', 'runner');
    console.log(`install times (s): ${JSON.stringify(seconds)}`);

    // A project with a local inventory, a one-task play, and a TypeScript plugin
    // in a third folder (no package.json, no node_modules) that imports the API by name.
    mkdirSync(join(dir, 'project'));
    mkdirSync(join(dir, 'plugin'));
    writeFileSync(
      join(dir, 'project', 'inv.yml'),
      'all:\n  hosts:\n    here:\n      ansible_connection: local\n',
    );
    writeFileSync(
      join(dir, 'project', 'hello.yml'),
      '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: { msg: "hello from {{ inventory_hostname }}" }\n',
    );
    writeFileSync(
      join(dir, 'project', 'plugged.yml'),
      '- hosts: all\n  gather_facts: false\n  tasks:\n    - token_check: {}\n',
    );
    writeFileSync(join(dir, 'project', 'runner.config.json'), '{ "plugins": ["../plugin/plugin.ts"] }\n');
    writeFileSync(
      join(dir, 'plugin', 'plugin.ts'),
      [
        `import { definePlugin, type ModuleDefinition } from '${PKG.name}';`,
        // The old name resolves to the very same instance.
        "import { Secret } from 'runner';",
        '',
        'const tokenCheck: ModuleDefinition<Record<string, never>> = {',
        "  description: 'reports a token it must never print',",
        '  async run() {',
        `    const token: string = '${SECRET}';`,
        '    // Registered with the runner that loaded this plugin, so its output redaction masks it.',
        '    new Secret(token);',
        '    return { changed: false, msg: `the token is ${token}` };',
        '  },',
        '};',
        '',
        "export default definePlugin({ name: 'packed-test', modules: { token_check: tokenCheck } });",
        '',
      ].join('\n'),
    );
  }, 900_000);

  it('holds the build, the LICENSE and the docs, and nothing from test/, bench/ or .ci/', () => {
    expect(files).toEqual(
      expect.arrayContaining(['LICENSE', 'package.json', 'README.md', 'dist/core/cli/bin.mjs']),
    );
    expect(files).toEqual(
      expect.arrayContaining(['dist/core/index.js', 'dist/core/index.d.ts', 'dist/core/testing/index.d.ts']),
    );
    expect(files.filter((f) => /^(test|bench|\.ci)\//.test(f))).toEqual([]);
    expect(files.filter((f) => /^(core|plugins|sandbox)\//.test(f) || f.startsWith('dist/.'))).toEqual([]);
  });

  for (const kind of ['local', 'global'] as const) {
    describe(`installed ${kind === 'local' ? 'into an empty folder' : 'into a global prefix'}`, () => {
      it('prints its version', async () => {
        const { stdout } = await sh(bins[kind], ['--version'], dir);
        expect(stdout.trim()).toBe(PKG.version);
      });

      it('runs a one-task local play', async () => {
        const { stdout } = await sh(
          bins[kind],
          ['play', 'hello.yml', '-i', 'inv.yml', '-v'],
          join(dir, 'project'),
        );
        expect(stdout).toContain('hello from here');
        expect(stdout).toMatch(/here\s+: ok=1 changed=0 unreachable=0 failed=0/);
      });

      it('loads a TypeScript plugin from a folder without runner, by package name, on the same instance', async () => {
        const { stdout, stderr } = await sh(
          bins[kind],
          ['play', 'plugged.yml', '-i', 'inv.yml', '--json'],
          join(dir, 'project'),
        );
        const result = stdout
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line))
          .find((e) => e.type === 'host.task.result');
        expect(result?.result).toMatchObject({ host: 'here', status: 'ok' });
        // Same Secret registry: the runner's output masks what the plugin marked secret.
        expect(result?.result.msg).toBe('the token is ********');
        expect(`${stdout}${stderr}`).not.toContain(SECRET);
      });
    });
  }

  it('scaffolds a plugin that type-checks and passes its own tests with only the packed runner installed', async () => {
    const { stdout } = await sh(
      bins.local,
      ['plugins', 'new', 'runner-plugin-demo', '--dir', join(dir, 'demo')],
      dir,
    );
    expect(stdout).toContain('created');
    const started = Date.now();
    // The tarball stands in for the registry's copy; the rest comes from the registry.
    await sh('npm', ['install', '--prefer-offline', '--save-dev', tarball], join(dir, 'demo'));
    console.log(`scaffold npm install: ${(Date.now() - started) / 1000} s`);
    const installed = JSON.parse(readFileSync(join(dir, 'demo', 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    expect(Object.keys(installed.devDependencies).sort()).toEqual(
      ['@types/node', PKG.name, 'typescript', 'vitest'].sort(),
    );
    await sh(join(dir, 'demo', 'node_modules', '.bin', 'tsc'), ['--noEmit'], join(dir, 'demo'));
    const tests = await sh(join(dir, 'demo', 'node_modules', '.bin', 'vitest'), ['run'], join(dir, 'demo'));
    expect(tests.stdout).toMatch(/Tests\s+4 passed/);
  }, 900_000);
});
