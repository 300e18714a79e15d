import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RunnerError } from '../../../core/errors.js';
import { toAnsibleList } from '../../../core/inventory/format.js';
import {
  addChild,
  addGroup,
  addHost,
  createInventoryData,
  Inventory,
  type InventorySourceContext,
  setGroupVar,
  setHostVar,
  type Vars,
} from '../../../core/inventory/index.js';
import { readIniInventory } from '../../../core/inventory/source-ini.js';
import { readYamlInventory } from '../../../core/inventory/source-yaml.js';
import { loadYamlOrJson } from '../../../core/inventory/yaml-load.js';

const ctx: InventorySourceContext = { cwd: '/', warn: () => {} };

function parseYaml(text: string) {
  const data = createInventoryData();
  readYamlInventory(loadYamlOrJson(text, 'gen.yml'), 'gen.yml', data, ctx);
  return data;
}

function parseIni(text: string) {
  const data = createInventoryData();
  readIniInventory(text, 'gen.ini', data, ctx);
  return data;
}

/** Runs `fn`; anything thrown must be a RunnerError. */
function onlyRunnerErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof RunnerError)) throw e;
  }
}

const tokens = [
  '[',
  ']',
  ':',
  '=',
  '{',
  '}',
  '"',
  "'",
  '#',
  ';',
  '-',
  ' ',
  '\n',
  '\t',
  'web',
  'vars',
  'children',
  'hosts',
  '[web]',
  '[web:vars]',
  '[web:children]',
  '[a:b]',
  'h[01:10]',
  'x=1',
  'yes',
  '010',
  '{{',
  '!unsafe',
  '&a',
  '*a',
  '<<:',
  '? ',
  '|',
  '>',
  '%',
  '@',
  '`',
  '\\',
  '0x',
  '1:2',
  ',',
];
const noisyText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.array(fc.constantFrom(...tokens), { maxLength: 60 }).map((t) => t.join('')),
);

describe('parsers never crash on malformed text', () => {
  it('YAML/JSON inventory: only RunnerError', () => {
    fc.assert(
      fc.property(noisyText, (text) => onlyRunnerErrors(() => new Inventory(parseYaml(text)))),
      { numRuns: 300 },
    );
  });

  it('INI inventory: only RunnerError', () => {
    fc.assert(
      fc.property(noisyText, (text) => onlyRunnerErrors(() => new Inventory(parseIni(text)))),
      { numRuns: 300 },
    );
  });
});

// A generated fleet: groups form a DAG (children only point forward), every host is in a group.
const name = (prefix: string) => fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/).map((s) => `${prefix}${s}`);
const scalar = fc.oneof(
  fc.integer({ min: -1000, max: 100000 }),
  fc.boolean(),
  fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9 ._-]{0,10}[a-zA-Z0-9]$/),
);
const varsArb = fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/), scalar, { maxKeys: 3 });

const fleetArb = fc
  .record({
    groups: fc.uniqueArray(name('g'), { minLength: 1, maxLength: 6 }),
    hosts: fc.uniqueArray(name('h'), { minLength: 1, maxLength: 8 }),
  })
  .chain(({ groups, hosts }) =>
    fc.record({
      groups: fc.constant(groups),
      members: fc.array(fc.array(fc.nat(groups.length - 1), { minLength: 1, maxLength: 3 }), {
        minLength: hosts.length,
        maxLength: hosts.length,
      }),
      hosts: fc.constant(hosts),
      edges: fc.array(fc.tuple(fc.nat(groups.length - 1), fc.nat(groups.length - 1)), { maxLength: 6 }),
      groupVars: fc.array(varsArb, { minLength: groups.length, maxLength: groups.length }),
      hostVars: fc.array(varsArb, { minLength: hosts.length, maxLength: hosts.length }),
    }),
  );

type Fleet = {
  groups: string[];
  hosts: string[];
  members: number[][];
  edges: Array<[number, number]>;
  groupVars: Vars[];
  hostVars: Vars[];
};

function children(f: Fleet): Map<string, string[]> {
  const out = new Map<string, string[]>(f.groups.map((g) => [g, []]));
  for (const [a, b] of f.edges) {
    if (a < b && !out.get(f.groups[a])!.includes(f.groups[b])) out.get(f.groups[a])!.push(f.groups[b]);
  }
  return out;
}

function model(f: Fleet): Inventory {
  const d = createInventoryData();
  f.groups.forEach((g, i) => {
    addGroup(d, g);
    for (const [k, v] of Object.entries(f.groupVars[i])) setGroupVar(d, g, k, v);
  });
  for (const [parent, kids] of children(f)) for (const c of kids) addChild(d, parent, c);
  f.hosts.forEach((h, i) => {
    for (const gi of f.members[i]) addHost(d, h, f.groups[gi]);
    for (const [k, v] of Object.entries(f.hostVars[i])) setHostVar(d, h, k, v);
  });
  return new Inventory(d);
}

function toYaml(f: Fleet): string {
  const kids = children(f);
  const lines: string[] = [];
  const hostsOf = (g: number) =>
    f.hosts.map((h, i) => [h, i] as const).filter(([, i]) => f.members[i].includes(g));
  const written = new Set<string>();
  f.groups.forEach((g, gi) => {
    lines.push(`${JSON.stringify(g)}:`);
    lines.push('  hosts:');
    for (const [h, i] of hostsOf(gi)) {
      const vars = written.has(h) ? {} : f.hostVars[i];
      written.add(h);
      lines.push(`    ${JSON.stringify(h)}: ${JSON.stringify(vars)}`);
    }
    lines.push(`  vars: ${JSON.stringify(f.groupVars[gi])}`);
    lines.push('  children:');
    for (const c of kids.get(g)!) lines.push(`    ${JSON.stringify(c)}:`);
  });
  return `${lines.join('\n')}\n`;
}

function pyValue(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  return `'${v}'`;
}

function toIni(f: Fleet): string {
  const kids = children(f);
  const lines: string[] = [];
  const written = new Set<string>();
  f.groups.forEach((g, gi) => {
    lines.push(`[${g}]`);
    f.hosts.forEach((h, i) => {
      if (!f.members[i].includes(gi)) return;
      const vars = written.has(h) ? {} : f.hostVars[i];
      written.add(h);
      // Inline values are shell-split first: double quotes protect the Python quotes inside.
      lines.push([h, ...Object.entries(vars).map(([k, v]) => `${k}="${pyValue(v)}"`)].join(' '));
    });
    lines.push(`[${g}:vars]`);
    for (const [k, v] of Object.entries(f.groupVars[gi])) lines.push(`${k}=${pyValue(v)}`);
    lines.push(`[${g}:children]`);
    for (const c of kids.get(g)!) lines.push(c);
  });
  return `${lines.join('\n')}\n`;
}

/** Membership compared as sets: INI declares children when their section comes, so order may differ. */
function sameModel(inv: Inventory): unknown {
  const list = toAnsibleList(inv) as Record<string, { hosts?: string[]; children?: string[] }>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(list)) {
    out[k] =
      k === '_meta' ? v : { hosts: [...(v.hosts ?? [])].sort(), children: [...(v.children ?? [])].sort() };
  }
  return out;
}

describe('generated inventories round-trip', () => {
  it('model -> YAML -> parse gives the same inventory', () => {
    fc.assert(
      fc.property(fleetArb, (f) => {
        expect(sameModel(new Inventory(parseYaml(toYaml(f))))).toEqual(sameModel(model(f)));
      }),
      { numRuns: 100 },
    );
  });

  it('model -> INI -> parse gives the same inventory', () => {
    fc.assert(
      fc.property(fleetArb, (f) => {
        expect(sameModel(new Inventory(parseIni(toIni(f))))).toEqual(sameModel(model(f)));
      }),
      { numRuns: 100 },
    );
  });
});
