import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunnerError } from '../../../core/errors.js';
import { loadInventory } from '../../../core/inventory/index.js';

/** The one line a user sees for each kind of broken inventory. */
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runner-inv-errors-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function oneLine(name: string, text: string): Promise<string> {
  await writeFile(join(dir, name), text);
  try {
    await loadInventory([name], { cwd: dir });
  } catch (e) {
    expect(e).toBeInstanceOf(RunnerError);
    return (e as RunnerError).oneLine().replace(dir, '<dir>');
  }
  throw new Error('expected an error');
}

describe('inventory error messages', () => {
  it('YAML syntax: file, line, column and the problem', async () => {
    expect(await oneLine('hosts.yml', 'web:\n  hosts:\n    web1: [unclosed\n')).toMatch(
      /^<dir>\/hosts\.yml:\d+:\d+: YAML syntax error: .+/,
    );
  });

  it('a YAML list at the top level', async () => {
    expect(await oneLine('hosts.yml', '- web1\n- web2\n')).toBe(
      '<dir>/hosts.yml:1:1: invalid inventory structure: expected a mapping of group names at the top level, got a list',
    );
  });

  it('a numeric host name', async () => {
    expect(await oneLine('hosts.yml', 'web:\n  hosts:\n    42:\n')).toBe(
      '<dir>/hosts.yml:3:5: host name 42 in group "web" must be a string: quote numeric host names',
    );
  });

  it('hosts given as a list', async () => {
    expect(await oneLine('hosts.yml', 'web:\n  hosts:\n    - web1\n')).toBe(
      '<dir>/hosts.yml:2:3: invalid "hosts" entry for group "web": expected a mapping, got a list',
    );
  });

  it('a boolean group name from YAML 1.1', async () => {
    expect(await oneLine('hosts.yml', 'yes:\n  hosts:\n    a:\n')).toMatch(
      /^<dir>\/hosts\.yml:1:1: invalid group name true: expected a non-empty string/,
    );
  });

  it('a cycle between groups', async () => {
    const line = await oneLine('hosts.yml', 'a:\n  children:\n    b:\n      children:\n        a:\n');
    expect(line).toBe(
      '<dir>/hosts.yml:3:5: adding group "b" as a child of "a" creates a cycle: a group cannot contain itself',
    );
  });

  it('a cycle in INI is INVENTORY_CYCLE with the line', async () => {
    await writeFile(join(dir, 'hosts'), '[a:children]\nb\n[b:children]\na\n');
    await expect(loadInventory(['hosts'], { cwd: dir })).rejects.toMatchObject({
      code: 'INVENTORY_CYCLE',
      line: 4,
    });
  });

  it('INI: a host variable without =', async () => {
    expect(await oneLine('hosts', '[web]\nweb1 ansible_port\n')).toBe(
      '<dir>/hosts:2: expected key=value host variable after the host name, got "ansible_port"',
    );
  });

  it('INI: an unknown section type', async () => {
    expect(await oneLine('hosts', '[web:hostz]\nweb1\n')).toBe(
      '<dir>/hosts:1: section [web:hostz] has an unknown type "hostz": expected hosts, children or vars',
    );
  });

  it('INI: a section with a space', async () => {
    expect(await oneLine('hosts', '[web servers]\n')).toMatch(
      /^<dir>\/hosts:1: invalid section entry "\[web servers\]"/,
    );
  });

  it('INI: vars for a group never defined', async () => {
    expect(await oneLine('hosts', 'h1\n[ghost:vars]\nx=1\n')).toBe(
      '<dir>/hosts:2: section [ghost:vars] is for a group that is not defined: add [ghost] or list it in a [parent:children]',
    );
  });

  it('INI: a child group never defined', async () => {
    expect(await oneLine('hosts', '[p:children]\nmissing\n')).toBe(
      '<dir>/hosts:2: section [p:children] includes "missing", which is not a defined group: add a [missing] section',
    );
  });

  it('INI: an unclosed quote', async () => {
    expect(await oneLine('hosts', '[web]\nweb1 motd="hello\n')).toBe(
      '<dir>/hosts:2: cannot parse host line "web1 motd="hello": No closing quotation',
    );
  });

  it('INI: a bad host range', async () => {
    expect(await oneLine('hosts', '[web]\nweb[01:3]\n')).toBe(
      '<dir>/hosts:2: invalid host range in "web[01:3]": begin and end must have the same width when zero-padded',
    );
  });

  it('a missing source', async () => {
    await expect(loadInventory(['nope.yml'], { cwd: dir })).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
      message: `inventory source not found: ${join(dir, 'nope.yml')}`,
    });
  });

  it('a vars file that is not a mapping', async () => {
    await writeFile(join(dir, 'hosts.yml'), 'web:\n  hosts:\n    w1:\n');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'group_vars'));
    await writeFile(join(dir, 'group_vars', 'web.yml'), '- a\n- b\n');
    await expect(loadInventory(['hosts.yml'], { cwd: dir })).rejects.toMatchObject({
      code: 'INVENTORY_INVALID',
      file: join(dir, 'group_vars', 'web.yml'),
    });
  });

  it('warns (and goes on) about unknown keys in a group, with the line', async () => {
    await writeFile(join(dir, 'hosts.yml'), 'web:\n  hosts:\n    w1:\n  host:\n    w2:\n');
    const warnings: unknown[] = [];
    const inv = await loadInventory(['hosts.yml'], { cwd: dir, onWarning: (w) => warnings.push(w) });
    expect(inv.hostNames()).toEqual(['w1']);
    expect(warnings).toEqual([
      {
        message:
          'skipping unexpected key "host" in group "web": only "vars", "children" and "hosts" are valid',
        file: join(dir, 'hosts.yml'),
        line: 4,
      },
    ]);
  });
});
