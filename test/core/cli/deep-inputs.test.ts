import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';

// Inputs that recurse: self-referencing vars, aliases inside their own anchor,
// data and expressions nested thousands deep, group cycles. Each must give one
// clear line naming what and where, never "internal error: Maximum call stack
// size exceeded".
const nest = (open: string, close: string, n: number) => open.repeat(n) + close.repeat(n);
const LOCAL = 'all:\n  hosts:\n    here:\n      ansible_connection: local\n';
const play = (vars: string, msg: string) =>
  `- hosts: all\n  gather_facts: false\n  vars:\n${vars}\n  tasks:\n    - debug: { msg: "${msg}" }\n`;

describe('inputs that recurse or nest without end', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'runner-deep-'));
    writeFileSync(join(dir, 'inv.yml'), LOCAL);
    writeFileSync(join(dir, 'plain.yml'), play('    x: 1', '{{ x }}'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: { name: string; files: Record<string, string>; args: string[]; expected: RegExp }[] = [
    {
      name: 'a var defined by itself',
      files: { 'p.yml': play('    a: "{{ a }}"', '{{ a }}') },
      args: ['play', 'p.yml', '-i', 'inv.yml'],
      expected: /recursive loop detected in template for "a -> a"/,
    },
    {
      name: 'two vars defined by each other',
      files: { 'p.yml': play('    a: "{{ b }}"\n    b: "{{ a }}"', '{{ a }}') },
      args: ['play', 'p.yml', '-i', 'inv.yml'],
      expected: /recursive loop detected in template for "a -> b -> a"/,
    },
    {
      name: 'an expression nested 3000 deep',
      files: { 'p.yml': play('    x: 1', `{{ ${nest('(', ')', 3000)} }}`) },
      args: ['play', 'p.yml', '-i', 'inv.yml'],
      expected: /template error in "\{\{ \(+…": the expression is nested too deeply/,
    },
    {
      name: 'an alias inside its own anchor in a playbook',
      files: { 'p.yml': play('    a: &x [1, *x]', '{{ a }}') },
      args: ['play', 'p.yml', '-i', 'inv.yml'],
      expected: /p\.yml:4:\d+: YAML error: alias "\*x" is inside its own anchor "&x"/,
    },
    {
      name: 'an alias inside its own anchor in an inventory',
      files: { 'rec.yml': 'all:\n  vars:\n    a: &x\n      - *x\n  hosts:\n    h1:\n' },
      args: ['inventory', 'list', '-i', 'rec.yml'],
      expected: /rec\.yml:4:\d+: YAML error: alias "\*x" is inside its own anchor/,
    },
    {
      name: 'a playbook nested 20000 deep',
      files: { 'p.yml': play(`    v: ${nest('[', ']', 20_000)}`, 'x') },
      args: ['play', 'p.yml', '-i', 'inv.yml'],
      expected: /p\.yml:4:\d+: YAML syntax error: nested too deeply/,
    },
    {
      name: 'a JSON inventory nested 20000 deep',
      files: { 'deep.json': `{"all": {"vars": {"v": ${nest('[', ']', 20_000)}}, "hosts": {"h1": {}}}}` },
      args: ['inventory', 'list', '-i', 'deep.json'],
      expected: /deep\.json: data nested more than 500 levels deep/,
    },
    {
      name: 'extra vars nested 600 deep',
      files: { 'deep-vars.yml': `v: ${nest('[', ']', 600)}\n` },
      args: ['play', 'plain.yml', '-i', 'inv.yml', '-e', '@deep-vars.yml'],
      expected: /deep-vars\.yml: data nested more than 500 levels deep/,
    },
    {
      name: 'a group that is its own child',
      files: { 'cycle.ini': '[a]\nh1\n[a:children]\nb\n[b:children]\na\n' },
      args: ['inventory', 'list', '-i', 'cycle.ini'],
      expected: /cycle\.ini:\d+: adding group "\w" as a child of "\w" creates a cycle/,
    },
  ];

  for (const c of cases) {
    it(`${c.name}: one line naming what and where`, async () => {
      for (const [name, text] of Object.entries(c.files)) writeFileSync(join(dir, name), text);
      const r = await runCli(c.args, { cwd: dir });
      const out = r.stdout + r.stderr;
      expect(r.code, out).not.toBe(0);
      expect(out).toMatch(c.expected);
      expect(out).not.toMatch(/internal error|Maximum call stack/);
    });
  }
});
