/**
 * The files of a new plugin package (`runner plugins new <name>`): a module
 * and a check in index.ts, a test through `<runner>/testing`, and the
 * package.json and tsconfig.json to type-check and test it. Pure: names in,
 * file contents out.
 */
export interface ScaffoldInput {
  /** npm name of the plugin package, e.g. `runner-plugin-motd` or `@me/motd`. */
  name: string;
  /** runner's package name and version (its peer dependency). */
  runner: { name: string; version: string; devDependencies: Record<string, string> };
}

const NPM_NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;

/** Why a package name cannot be used, or undefined when it can. */
export function invalidPluginName(name: string): string | undefined {
  if (name.length > 214) return 'longer than 214 characters';
  if (!NPM_NAME.test(name))
    return 'an npm package name is lowercase letters, digits, "-", "." and "_", optionally @scope/';
  return undefined;
}

/** `@me/runner-plugin-motd` -> `motd`: the prefix of the module's name. */
export function moduleStem(name: string): string {
  const last = name
    .split('/')
    .pop()!
    .replace(/^runner-plugin-/, '');
  return last.replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'plugin';
}

export function scaffoldFiles({ name, runner }: ScaffoldInput): Record<string, string> {
  const stem = moduleStem(name);
  const mod = `${stem}_file`;
  const api = runner.name;
  const dev = (pkg: string, fallback: string) => runner.devDependencies[pkg] ?? fallback;
  const pkg = {
    name,
    version: '0.1.0',
    description: `A runner plugin: the ${mod} module and a preflight check.`,
    type: 'module',
    exports: './index.ts',
    files: ['index.ts'],
    keywords: ['runner-plugin'],
    scripts: { test: 'vitest run', typecheck: 'tsc --noEmit' },
    peerDependencies: { [api]: `^${runner.version}` },
    devDependencies: {
      [api]: `^${runner.version}`,
      '@types/node': dev('@types/node', '^20.19.0'),
      typescript: dev('typescript', '~5.9.3'),
      vitest: dev('vitest', '^4.1.12'),
    },
  };
  const tsconfig = {
    compilerOptions: {
      target: 'ES2023',
      lib: ['ES2023'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      types: ['node'],
      noEmit: true,
      isolatedModules: true,
    },
    include: ['*.ts'],
  };
  const index = `import { type CheckDefinition, defineModule, definePlugin, shQuote, z } from '${api}';

/**
 * ${mod}: makes a file on the host hold exactly \`content\`. It reads the file
 * first and writes only when it differs, so a second run reports no change.
 */
export const file = defineModule({
  description: 'Makes a file on the host hold exactly the given content.',
  args: z.object({
    path: z.string().min(1).describe('the file on the host'),
    content: z.string().describe('what it must hold'),
    mode: z.number().int().optional().describe('permission bits, e.g. 0o644'),
  }),
  supportsCheck: true,
  async run(ctx, args) {
    const current = await ctx.connection.exec(\`cat \${shQuote(args.path)}\`);
    if (current.exitCode === 0 && current.stdout === args.content) return { changed: false };
    if (!ctx.check) await ctx.connection.put(args.content, args.path, { mode: args.mode ?? 0o644 });
    return { changed: true, msg: \`\${args.path} updated\` };
  },
});

/** A preflight check: a host without a POSIX shell stops before any task runs there. */
export const shell: CheckDefinition = {
  name: '${stem}-shell',
  phase: 'preflight',
  async run(ctx) {
    const result = await ctx.connection.exec('uname -s');
    return result.exitCode === 0 ? { level: 'pass' } : { level: 'fail', message: 'no POSIX shell: uname -s failed' };
  },
};

export default definePlugin({
  name: '${name}',
  description: 'The ${mod} module and its preflight check.',
  modules: { ${mod}: file },
  checks: [shell],
});
`;
  const test = `import { runModule, runTestPlaybook } from '${api}/testing';
import { describe, expect, it } from 'vitest';
import plugin, { file } from './index.js';

describe('${mod}', () => {
  it('writes the file when it differs', async () => {
    const run = await runModule(file, { path: '/etc/motd', content: 'hello\\n' }, { respond: () => ({ exitCode: 1 }) });
    expect(run.result.changed).toBe(true);
    expect(run.commands).toEqual(['cat /etc/motd']);
    expect(run.files.get('/etc/motd')).toEqual({ content: 'hello\\n', mode: 0o644 });
  });

  it('changes nothing when the file already holds the content', async () => {
    const run = await runModule(file, { path: '/etc/motd', content: 'hello\\n' }, { respond: () => ({ stdout: 'hello\\n' }) });
    expect(run.result.changed).toBe(false);
    expect(run.files.size).toBe(0);
  });

  it('refuses args that do not fit its schema', async () => {
    await expect(runModule(file, { path: '' }, { name: '${mod}' })).rejects.toThrow(/module "${mod}": path/);
  });

  it('runs in a playbook, after its preflight check, on every host', async () => {
    const run = await runTestPlaybook({
      playbook: {
        name: 'site',
        plays: [
          {
            name: 'motd',
            hosts: 'all',
            gatherFacts: false,
            tasks: [{ name: 'motd', module: '${mod}', args: { path: '/etc/motd', content: 'hi\\n' } }],
          },
        ],
      },
      plugins: [plugin],
      hosts: ['web1', 'web2'],
      respond: (command) => (command.startsWith('cat ') ? { exitCode: 1 } : { stdout: 'Linux\\n' }),
    });
    expect(run.exitCode).toBe(0);
    expect(run.recap.hosts.map((h) => [h.host, h.changed])).toEqual([
      ['web1', 1],
      ['web2', 1],
    ]);
    expect(run.commands.get('web1')).toContain('uname -s');
  });
});
`;
  const readme = `# ${name}

A plugin for [runner](https://www.npmjs.com/package/${api}): the \`${mod}\` module and a preflight check.

Use it from a project's \`runner.config.json\`:

\`\`\`json
{ "plugins": ["${name}"] }
\`\`\`

or by path (\`"plugins": ["./${name.split('/').pop()}/index.ts"]\`). Then, in a playbook:

\`\`\`yaml
- hosts: all
  tasks:
    - ${mod}: { path: /etc/motd, content: "managed by runner\\n" }
\`\`\`

\`runner doc ${mod}\` prints its arguments. Develop with \`npm install\`, \`npm test\` and \`npm run typecheck\`.
`;
  return {
    'package.json': `${JSON.stringify(pkg, null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify(tsconfig, null, 2)}\n`,
    'index.ts': index,
    'index.test.ts': test,
    'README.md': readme,
  };
}
