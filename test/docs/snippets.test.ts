import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.js';
import { type Snippet, snippetsOf } from './snippets.js';

// Every code block of the user docs and the README, run as a user pastes it:
// files the page shows are written to a scratch dir, its shell blocks run there
// with `runner` on PATH (the built executable), `fleet-runner` installed beside
// them (a link to this package), `inventories/` and `docs/` of the repo at hand,
// and HOME a throwaway dir. A block that is not run says why (`fragment:`).
const ROOT = resolve('.');
const PAGES = [
  'README.md',
  ...readdirSync('docs')
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
// docs/register.md is kept by the register playbook's owners and not marked yet.
const UNMARKED = new Set(['docs/register.md']);

// The writing-plugins example appends to /etc/motd with become, as a real one
// would; its blocks run in a private mount namespace where /etc/motd is a
// scratch file, so the machine's own is never touched.
const BIND: Record<string, string[]> = { 'docs/writing-plugins.md': ['/etc/motd'] };

const scratchRoot = mkdtempSync(join(tmpdir(), 'runner-docs-'));
afterAll(() => rmSync(scratchRoot, { recursive: true, force: true }));

function scratchFor(page: string): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = join(scratchRoot, page.replace(/[^\w.]+/g, '_'));
  const bin = join(dir, '.bin');
  mkdirSync(bin, { recursive: true });
  mkdirSync(join(dir, 'home'), { recursive: true });
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(ROOT, join(dir, 'node_modules', 'fleet-runner'));
  symlinkSync(join(ROOT, 'inventories'), join(dir, 'inventories'));
  symlinkSync(join(ROOT, 'docs'), join(dir, 'docs'));
  writeFileSync(join(bin, 'runner'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(bin, 'runner'), 0o755);
  const env: NodeJS.ProcessEnv = {
    PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: join(dir, 'home'),
    LANG: 'C.UTF-8',
    CI: '1',
    NO_COLOR: '1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  return { dir, env };
}

function sh(script: string, cwd: string, env: NodeJS.ProcessEnv, bind: string[] = []) {
  let wrapped = `set -e\n${script}`;
  let cmd = ['bash', '-o', 'pipefail', '-c', wrapped];
  if (bind.length > 0) {
    const mounts = bind.map((target) => {
      const copy = join(cwd, '.bind', target.replace(/\//g, '_'));
      mkdirSync(dirname(copy), { recursive: true });
      writeFileSync(copy, '');
      return `mount --bind '${copy}' '${target}'`;
    });
    wrapped = `set -e\n${mounts.join('\n')}\n${script}`;
    cmd = ['unshare', '--mount', '--propagation', 'private', 'bash', '-o', 'pipefail', '-c', wrapped];
  }
  const [file, ...args] = cmd as [string, ...string[]];
  const r = spawnSync(file, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

function ansibleInventory(file: string, cwd: string) {
  writeFileSync(join(cwd, 'empty.cfg'), '');
  const r = spawnSync('/usr/bin/ansible-inventory', ['-i', file, '--list'], {
    cwd,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: join(cwd, 'home'),
      ANSIBLE_CONFIG: join(cwd, 'empty.cfg'),
      ANSIBLE_INVENTORY_UNPARSED_FAILED: 'True',
      ANSIBLE_DEPRECATION_WARNINGS: 'False',
      ANSIBLE_NOCOLOR: '1',
    },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function hostsOf(list: { _meta?: { hostvars?: Record<string, unknown> } }): string[] {
  return Object.keys(list._meta?.hostvars ?? {}).sort();
}

const where = (s: Snippet) => `${s.page}:${s.line}`;

describe('documentation snippets', () => {
  it('every block in the docs and the README is run or marked a fragment', () => {
    const unmarked = PAGES.filter((p) => !UNMARKED.has(p))
      .flatMap((p) => snippetsOf(p))
      .filter((s) => s.directive === undefined)
      .map((s) => `${where(s)}${s.unknown ? ` (not understood: ${s.unknown})` : ''}`);
    expect(unmarked).toEqual([]);
  });

  for (const page of PAGES.filter((p) => !UNMARKED.has(p))) {
    const snippets = snippetsOf(page);
    if (!snippets.some((s) => s.directive && s.directive.kind !== 'fragment')) continue;
    it(`${page}: its examples run as written`, () => {
      const { dir, env } = scratchFor(page);
      let ran = 0;
      // Files first, wherever the page shows them: prose may run a command on a file shown below it.
      for (const s of snippets) {
        const d = s.directive;
        if (d?.kind !== 'file' && d?.kind !== 'inventory') continue;
        mkdirSync(dirname(join(dir, d.name)), { recursive: true });
        writeFileSync(join(dir, d.name), s.body);
      }
      for (const s of snippets) {
        const d = s.directive;
        if (d?.kind === 'inventory') {
          const runner = sh(`runner inventory list -i '${d.name}'`, dir, env);
          expect(runner.code, `${where(s)}: runner inventory list\n${runner.output}`).toBe(0);
          const ansible = ansibleInventory(d.name, dir);
          expect(ansible.code, `${where(s)}: ansible-inventory --list\n${ansible.stderr}`).toBe(0);
          expect(ansible.stderr, `${where(s)}: ansible-inventory warned`).not.toMatch(/WARNING/);
          const mine = hostsOf(JSON.parse(runner.output));
          expect(mine.length, `${where(s)}: no hosts`).toBeGreaterThan(0);
          expect(mine, `${where(s)}: hosts`).toEqual(hostsOf(JSON.parse(ansible.stdout)));
          ran++;
        }
        if (d?.kind === 'runs') {
          const r = sh(s.body, dir, env, BIND[page]);
          expect(r.code, `${where(s)} exited ${r.code}:\n${r.output}`).toBe(0);
          for (const text of d.expect) expect(r.output, `${where(s)}: output`).toContain(text);
          ran++;
        }
      }
      expect(ran).toBeGreaterThan(0);
    });
  }
});
