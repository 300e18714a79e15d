/**
 * Start-up: how long `runner` takes to do little, side by side with bare
 * `node -e 0` in the same run (same machine, same load): `runner --version`,
 * `runner help play`, and `runner play` of one `debug` task on
 * `ansible_connection: local`. Runs the build in dist/ as installed users get
 * it; each command runs alternately with the others, ROUNDS times, under GNU
 * time, and the medians of wall time and of CPU time (user+sys, which a busy
 * shared machine disturbs less) are reported with their ratio to node's. Not
 * a test: it prints.
 *
 *   npm run build && npx tsx bench/startup.ts [rounds]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

const timeFile = join(dir, 'time.out');

/** One run: wall ms and CPU ms (user+sys, from GNU time). */
function once(args: string[]): { wall: number; cpu: number } {
  const started = performance.now();
  const child = spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, process.execPath, ...args], {
    cwd: dir,
    env: { ...process.env, CI: '1', NO_COLOR: '1' },
  });
  const wall = performance.now() - started;
  if (child.status !== 0) throw new Error(`${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  const [user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  return { wall, cpu: (user! + sys!) * 1000 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  execFileSync(process.execPath, [BIN, '--version']); // warm the file cache, and fail early if unbuilt
  const load = loadavg()[0]!;
  const samples = cases.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, c] of cases.entries()) {
      const { wall, cpu } = once(c.args);
      samples[i]!.wall.push(wall);
      samples[i]!.cpu.push(cpu);
    }
  }
  const wall0 = median(samples[0]!.wall);
  const cpu0 = median(samples[0]!.cpu);
  console.log(
    `start-up, median of ${ROUNDS} runs each, interleaved; load ${load.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after; ${process.version}`,
  );
  console.log(`${''.padEnd(36)}   wall ms          CPU ms (user+sys)`);
  for (const [i, c] of cases.entries()) {
    const wall = median(samples[i]!.wall);
    const cpu = median(samples[i]!.cpu);
    console.log(
      `${c.label.padEnd(36)} ${wall.toFixed(0).padStart(6)}  ${(wall / wall0).toFixed(2)}x   ${cpu.toFixed(0).padStart(6)}  ${(cpu / cpu0).toFixed(2)}x node`,
    );
  }
  const version = median(samples[1]!.cpu) / cpu0;
  const play = median(samples[3]!.cpu);
  console.log(
    `target: runner --version within 2x of node -e 0 (CPU): ${version <= 2 ? 'met' : 'NOT met'} (${version.toFixed(2)}x)`,
  );
  console.log(
    `target: one-task local play under 350 ms CPU: ${play < 350 ? 'met' : 'NOT met'} (${play.toFixed(0)} ms)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
