import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatInventoryList, toAnsibleList } from '../../../core/inventory/format.js';
import { loadInventory } from '../../../core/inventory/index.js';
import {
  ansibleInstalled,
  listCases,
  runAnsibleInventory,
  runAnsibleInventoryText,
} from '../../support/record-ansible-inventory.js';

/**
 * Our `toAnsibleList()` against `ansible-inventory --list` on every case in
 * test/fixtures/inventories/: always against the recorded expected.json, and
 * against the live ansible-inventory when it is installed.
 */
const cases = await listCases();

/** Group member lists compared as sets (ansible-inventory's order is not a contract); keys sorted. */
function normalise(list: unknown): unknown {
  const out: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(list as Record<string, Record<string, unknown>>)) {
    if (name === '_meta') {
      out[name] = entry;
      continue;
    }
    const copy: Record<string, unknown> = { ...entry };
    if (Array.isArray(entry.hosts)) copy.hosts = [...entry.hosts].sort();
    if (Array.isArray(entry.children)) copy.children = [...entry.children].sort();
    out[name] = copy;
  }
  return JSON.parse(JSON.stringify(out));
}

async function ours(c: (typeof cases)[number]): Promise<unknown> {
  const inv = await loadInventory(c.sources, { cwd: c.dir, onWarning: () => {} });
  return normalise(toAnsibleList(inv));
}

describe('parity with ansible-inventory --list', () => {
  it('has at least 15 recorded cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  describe.each(cases)('$name', (c) => {
    it('matches the recorded ansible-inventory output', async () => {
      const expected = JSON.parse(readFileSync(join(c.dir, 'expected.json'), 'utf8'));
      expect(await ours(c)).toEqual(normalise(expected));
    });

    it.runIf(ansibleInstalled())('matches the live ansible-inventory', async () => {
      expect(await ours(c)).toEqual(normalise(await runAnsibleInventory(c)));
    });
  });
});

/**
 * Cases whose --list text cannot be byte-identical, and why: JavaScript has one
 * number type, so YAML's `1000.0` prints as `1000`; and a YAML key that is an
 * integer makes Python's sort_keys fail, after which ansible-inventory prints
 * the whole list unsorted (its cli/inventory.py falls back), while runner sorts.
 */
const TEXT_DIFFERS = new Set(['ini-literals', 'json-source', 'yaml11-scalars', 'yaml-sections']);

describe.runIf(ansibleInstalled())(
  'runner inventory list text against the live ansible-inventory --list',
  () => {
    it.each(cases.filter((c) => !TEXT_DIFFERS.has(c.name)))('$name: byte for byte', async (c) => {
      const inv = await loadInventory(c.sources, { cwd: c.dir, onWarning: () => {} });
      expect(`${formatInventoryList(inv)}\n`).toBe(await runAnsibleInventoryText(c));
    });
  },
);

describe('the same fleet written in INI and in YAML', () => {
  it('gives the same inventory', async () => {
    const byName = new Map(cases.map((c) => [c.name, c]));
    expect(await ours(byName.get('fleet-ini')!)).toEqual(await ours(byName.get('fleet-yaml')!));
  });
});
