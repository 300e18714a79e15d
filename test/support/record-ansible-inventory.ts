/**
 * Runs the real `ansible-inventory --list` on each parity case under
 * test/fixtures/inventories/<case>/ and records its output as expected.json.
 * The parity test imports `runAnsibleInventory` to compare live too.
 *
 *   npx tsx test/support/record-ansible-inventory.ts [case ...]
 *
 * Hermetic: an empty config file, a throwaway HOME and cwd (so no ansible.cfg,
 * no play-adjacent group_vars and no collections are picked up), no cows, no
 * deprecation or localhost noise, and any unparsable source is an error.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CASES_DIR = fileURLToPath(new URL('../fixtures/inventories/', import.meta.url));
export const ANSIBLE_INVENTORY = '/usr/bin/ansible-inventory';

export interface ParityCase {
  name: string;
  dir: string;
  /** Sources relative to the case directory, in -i order. */
  sources: string[];
}

export async function listCases(): Promise<ParityCase[]> {
  const names = (await readdir(CASES_DIR, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  const cases: ParityCase[] = [];
  for (const name of names.sort()) {
    const dir = join(CASES_DIR, name);
    const spec = JSON.parse(await readFile(join(dir, 'case.json'), 'utf8')) as { sources: string[] };
    cases.push({ name, dir, sources: spec.sources });
  }
  return cases;
}

export function ansibleInstalled(): boolean {
  return existsSync(ANSIBLE_INVENTORY);
}

/** `ansible-inventory -i s1 -i s2 ... --list`, parsed. */
export async function runAnsibleInventory(c: ParityCase): Promise<unknown> {
  return JSON.parse(await runAnsibleInventoryText(c));
}

/** `ansible-inventory -i s1 -i s2 ... --list`, its text as printed. */
export async function runAnsibleInventoryText(c: ParityCase): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), 'runner-ansible-'));
  try {
    const cfg = join(scratch, 'empty.cfg');
    await writeFile(cfg, '');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: scratch,
      LANG: 'C.UTF-8',
      ANSIBLE_CONFIG: cfg,
      ANSIBLE_NOCOWS: '1',
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_DEPRECATION_WARNINGS: 'False',
      ANSIBLE_LOCALHOST_WARNING: 'False',
      ANSIBLE_SYSTEM_WARNINGS: 'False',
      ANSIBLE_INVENTORY_UNPARSED_WARNING: 'False',
      ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED: 'True',
      ANSIBLE_LOCAL_TEMP: join(scratch, 'tmp'),
    };
    const args = [...c.sources.flatMap((s) => ['-i', resolve(c.dir, s)]), '--list'];
    const stdout = await new Promise<string>((ok, fail) => {
      execFile(
        ANSIBLE_INVENTORY,
        args,
        { cwd: scratch, env, maxBuffer: 64 * 1024 * 1024 },
        (err, out, errText) => {
          if (err) fail(new Error(`ansible-inventory failed for ${c.name}: ${errText || err.message}`));
          else ok(out);
        },
      );
    });
    return stdout;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!ansibleInstalled()) {
    process.stderr.write(`${ANSIBLE_INVENTORY} is not installed; nothing recorded\n`);
    process.exitCode = 1;
    return;
  }
  const only = new Set(process.argv.slice(2));
  for (const c of await listCases()) {
    if (only.size > 0 && !only.has(c.name)) continue;
    const list = await runAnsibleInventory(c);
    await writeFile(join(c.dir, 'expected.json'), `${JSON.stringify(list, null, 4)}\n`);
    process.stdout.write(`recorded ${c.name}\n`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  await main();
}
