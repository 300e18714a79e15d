import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunnerError } from '../../../core/errors.js';
import { type Inventory, loadInventory, selectHosts } from '../../../core/inventory/index.js';

// Expected orders were taken from `ansible <pattern> --list-hosts` (ansible-core 2.14) on the same inventory.
const INVENTORY = `web:
  hosts:
    web1:
    web2:
    web3:
db:
  hosts:
    db1:
    db2:
    web3:
prod:
  children:
    web:
    db:
staging:
  hosts:
    stage1:
`;

let dir: string;
let inv: Inventory;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runner-patterns-'));
  await writeFile(join(dir, 'hosts.yml'), INVENTORY);
  await writeFile(join(dir, 'limit.txt'), 'web2\n  db1  \n\n');
  inv = await loadInventory(['hosts.yml'], { cwd: dir });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('selectHosts', () => {
  it.each([
    ['web:db', ['web1', 'web2', 'web3', 'db1', 'db2']],
    ['web,db', ['web1', 'web2', 'web3', 'db1', 'db2']],
    ['db:web', ['db1', 'db2', 'web3', 'web1', 'web2']],
    ['prod:&db', ['web3', 'db1', 'db2']],
    ['prod:!db', ['web1', 'web2']],
    ['!db', ['stage1', 'web1', 'web2']],
    ['web*', ['web1', 'web2', 'web3']],
    ['~(web|db)[12]', ['web1', 'web2', 'db1', 'db2']],
    ['web[0]', ['web1']],
    ['web[0:1]', ['web1', 'web2']],
    ['web[1:]', ['web2', 'web3']],
    ['web[-1]', ['web3']],
    ['all', ['stage1', 'web1', 'web2', 'web3', 'db1', 'db2']],
    ['*', ['stage1', 'web1', 'web2', 'web3', 'db1', 'db2']],
    ['stage1,web[2]', ['stage1', 'web3']],
    ['s?age[!x]', ['stage1']],
    // Ansible reads a trailing [0-9] as an x-y subscript, not a glob class, so this matches nothing.
    ['s?age[0-9]', []],
  ])('%s selects %j', (pattern, expected) => {
    expect(selectHosts(inv, pattern)).toEqual(expected);
  });

  it('warns about and ignores a pattern that matches nothing', () => {
    const warnings: string[] = [];
    expect(selectHosts(inv, 'nomatch,db1', { onWarning: (w) => warnings.push(w) })).toEqual(['db1']);
    expect(warnings).toEqual(['could not match supplied host pattern, ignoring: nomatch']);
  });

  it('narrows to a --limit, including @file limits read relative to cwd', () => {
    expect(selectHosts(inv, 'all', { limit: 'web' })).toEqual(['web1', 'web2', 'web3']);
    expect(selectHosts(inv, 'all', { limit: '@limit.txt', cwd: dir })).toEqual(['web2', 'db1']);
  });

  it('rejects a subscript past the end with PATTERN_INVALID', () => {
    expect(() => selectHosts(inv, 'web[5]')).toThrow(RunnerError);
    expect(() => selectHosts(inv, 'web[5]')).toThrow(/no hosts matched the subscripted pattern "web\[5\]"/);
  });

  it('rejects an invalid regex with PATTERN_INVALID', () => {
    try {
      selectHosts(inv, '~web(');
      expect.unreachable();
    } catch (e) {
      expect((e as RunnerError).code).toBe('PATTERN_INVALID');
    }
  });

  it('reports a missing @file as FILE_NOT_FOUND', () => {
    expect(() => selectHosts(inv, 'all', { limit: '@nope.txt', cwd: dir })).toThrow(
      /host list file not found/,
    );
  });
});
