import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandHostPattern, RangeBudget } from '../../../core/inventory/host-range.js';
import { loadInventory } from '../../../core/inventory/index.js';
import { runCli } from '../../support/cli.js';

// Ranges are bounded in total per source (1,000,000 hosts), counted before any
// name is made: a typo like web[0:9999999] must be a clear error, not a machine
// running out of memory (Ansible tries, and does).
const dir = mkdtempSync(join(tmpdir(), 'runner-range-bound-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

describe('the total bound on hosts from ranges', () => {
  it.each([
    ['one huge range in INI', 'huge.ini', '[web]\nweb[0:9999999]\n', 'huge.ini:2', '10,000,000'],
    ['two ranges multiplied', 'square.ini', 'w[0:3000][0:3000]\n', 'square.ini:1', '9,006,001'],
    ['three ranges multiplied', 'cube.ini', 'w[0:300][0:300][0:300]\n', 'cube.ini:1', '27,270,901'],
    [
      'one huge range in YAML',
      'huge.yml',
      'all:\n  hosts:\n    web[0:9999999]:\n',
      'huge.yml:3',
      '10,000,000',
    ],
  ])('refuses %s, naming the file and line', async (_, name, text, where, count) => {
    const error = await loadInventory([file(name, text)], { cwd: dir }).then(
      () => undefined,
      (e: Error & { code?: string }) => e,
    );
    expect(error?.code).toBe('INVENTORY_INVALID');
    expect(error?.message).toContain(`this one alone gives ${count}`);
    expect(`${(error as { file?: string })?.file}:${(error as { line?: number })?.line}`).toBe(
      `${join(dir, where.split(':')[0]!)}:${where.split(':')[1]}`,
    );
  });

  it('counts every range of a source together: 2 hosts, then 999,999 more, are refused at the second', async () => {
    const name = file('two.ini', '[a]\na[1:2]\n[b]\nb[1:999999]\n');
    await expect(loadInventory([name], { cwd: dir })).rejects.toThrow(
      /invalid host range in "b\[1:999999\]": ranges in this source would give more than 1,000,000 hosts/,
    );
  });

  it('lets hosts up to the bound through and refuses the first past it', () => {
    const budget = new RangeBudget(12);
    expect(expandHostPattern('a[1:10]', budget).hosts).toHaveLength(10);
    expect(expandHostPattern('b[1:2]', budget).hosts).toEqual(['b1', 'b2']);
    expect(() => expandHostPattern('c[1:1]', budget)).toThrow(
      /more than 12 hosts \(this one alone gives 1\)/,
    );
  });

  it('stops `runner inventory list` with one line and exit 1 before memory grows', async () => {
    file('cli.ini', '[web]\nweb[0:9999999]\n');
    // A 200 MB heap: had the names been made (10,000,000 of them), node would die of it, not exit 1.
    const result = await runCli(['inventory', 'list', '-i', 'cli.ini'], {
      cwd: dir,
      env: { NODE_OPTIONS: '--max-old-space-size=200' },
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([
      `runner: ${join(dir, 'cli.ini')}:2: invalid host range in "web[0:9999999]": ranges in this source would give more than 1,000,000 hosts (this one alone gives 10,000,000)`,
    ]);
  });
});
