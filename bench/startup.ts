/**
 * Start-up: how long `runner` takes to do little, side by side with bare
 * `node -e 0` in the same run (same machine, same load): `runner --version`,
 * `runner help play`, and `runner play` of one `debug` task on
 * `ansible_connection: local`. Runs the build in dist/ as installed users get
 * it; each command runs alternately with the others, ROUNDS times, and the
 * median is reported with its ratio to node's. Not a test: it prints.
 *
 *   npm run build && npx tsx bench/startup.ts [rounds]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const ROUNDS = Math.min(Math.max(Number(process.argv[2] ?? 15), 3), 100);
const BIN = new URL('../dist/core/cli/bin.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'runner-bench-startup-'));
writeFileSync(join(dir, 'inv.yml'), 'all:\n  hosts:\n    here:\n      ansible_connection: local\n');
writeFileSync(
  join(dir, 'one.yml'),
  '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: { msg: hi }\n',
);

const cases: { label: string; args: string[] }[] = [
  { label: 'node -e 0', args: ['-e', '0'] },
  { label: 'runner --version', args: [BIN, '--version'] },
  { label: 'runner help play', args: [BIN, 'help', 'play'] },
  { label: 'runner play (1 debug task, local)', args: [BIN, 'play', 'one.yml', '-i', 'inv.yml'] },
];

function once(args: string[]): number {
  const started = performance.now();
  const child = spawnSync(process.execPath, args, {
    cwd: dir,
    env: { ...process.env, CI: '1', NO_COLOR: '1' },
  });
  const ms = performance.now() - started;
  if (child.status !== 0) throw new Error(`${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  execFileSync(process.execPath, [BIN, '--version']); // warm the file cache, and fail early if unbuilt
  const samples = cases.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, c] of cases.entries()) samples[i]!.push(once(c.args));
  }
  const base = median(samples[0]!);
  console.log(
    `start-up, median of ${ROUNDS} runs each, interleaved; load ${loadavg()[0]!.toFixed(1)}, ${process.version}`,
  );
  for (const [i, c] of cases.entries()) {
    const m = median(samples[i]!);
    console.log(`${c.label.padEnd(36)} ${m.toFixed(0).padStart(6)} ms   ${(m / base).toFixed(2)}x node`);
  }
  const version = median(samples[1]!) / base;
  console.log(
    `target: runner --version within 2x of node -e 0: ${version <= 2 ? 'met' : 'NOT met'} (${version.toFixed(2)}x)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
