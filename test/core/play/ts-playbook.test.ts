import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recapOf, runCli } from '../../support/cli.js';

// A playbook written in TypeScript with definePlaybook, run by path like a YAML one.
describe('TypeScript playbooks', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'runner-ts-playbook-'));
    writeFileSync(join(dir, 'inv.yml'), 'all:\n  hosts:\n    here:\n      ansible_connection: local\n');
    writeFileSync(
      join(dir, 'site.ts'),
      [
        `import { definePlaybook } from '${resolve('core/index.ts')}';`,
        'export default definePlaybook({',
        "  name: 'typed',",
        '  plays: [',
        '    {',
        "      name: 'write',",
        "      hosts: 'all',",
        '      gatherFacts: false,',
        `      vars: { out: '${dir}/out.txt' },`,
        "      tasks: [{ name: 'write it', module: 'copy', args: { content: 'from ts\\n', dest: '{{ out }}' } }],",
        '    },',
        '  ],',
        '});',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'bad.ts'), 'export default { plays: "nope" };\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a definePlaybook module by path', async () => {
    const run = await runCli(['play', 'site.ts', '-i', 'inv.yml', '--json'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(recapOf(run).hosts[0]).toMatchObject({ host: 'here', changed: 1, failed: 0 });
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('from ts\n');
  });

  it('refuses a module that does not export a playbook, naming the file', async () => {
    const run = await runCli(['play', 'bad.ts', '-i', 'inv.yml'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      `runner: ${join(dir, 'bad.ts')}: a TypeScript playbook must export definePlaybook({...}) as default`,
    );
  });
});
