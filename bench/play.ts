/**
 * `runner play` side by side, in one run, with the floor (bench/floor.mjs: a
 * bare ssh2 client, one connection and ONE exec per host) and with
 * ansible-playbook, on the same real-sshd hosts in the namespace, at the same
 * concurrency (-f / forks / the floor's pool all FORKS; handshakes 32 for
 * runner and the floor). Three cases:
 *   plain   3 shell tasks as a /bin/sh user, at 100, 500 and 1,000 hosts (ansible at 100 only)
 *   become  the same 3 tasks with `become: true`, sudo asking a password, at 100 and 500
 *   rc      the plain play as a bash user whose ~/.bashrc burns ~50 ms of CPU, at 100 and 500
 * Each tool runs as its own process under /usr/bin/time: wall time, CPU
 * (user+sys, children included) per host, and peak RSS. Load average is
 * printed before and after. The floor and runner run BENCH_REPS times per
 * cell (default 3), taking turns at going first, each after the hosts' side
 * has gone quiet (no sshd session left from the run before); the row shows
 * the median of each figure and the ratio of the median wall times, with
 * every repetition's own ratio beside it. Run inside the namespace (as root):
 *   npm run bench:play            [BENCH_CASES=plain,become,rc] [BENCH_SIZES=100,500] [BENCH_REPS=3]
 * BENCH_ANSIBLE=0 leaves ansible-playbook out (it takes minutes on a loaded machine; it runs once).
 * BENCH_BASELINE=PATH/bin.mjs also runs another build of runner (a checkout of an older commit,
 * with its dependencies installed) in the same turns, as a "baseline" row: before and after on one machine.
 * BENCH_CPU_PROF=DIR runs runner and the floor with node's --cpu-prof, one .cpuprofile per run in DIR/runner and DIR/floor.
 * Not a test: it prints, and asserts nothing (this machine is shared and noisy).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { ensureFreshBuild } from '../test/support/fresh-build.js';
import { loopbackAddresses } from '../test/support/sshd.js';
import { BENCH_RC_USER, BENCH_USER, type BenchFleet, startBenchFleet } from './support.js';

const FORKS = 100;
const MAX_HANDSHAKES = 32;
/** The floor waits 60 s for a handshake; runner and ansible get the same (a loaded machine is slow to answer). */
const CONNECT_TIMEOUT_S = 60;
const ANSIBLE_UP_TO = 100;
/** Each tool's run is killed past this: the bench is bounded whatever the machine does. */
const CAP_MS = 300_000;
/** Runs per tool per cell (floor and runner; ansible-playbook runs once): the median is reported. */
const REPS = Math.max(1, Number(process.env.BENCH_REPS ?? 3));
/** How long to wait at most for the hosts' side to go quiet between runs. */
const SETTLE_CAP_MS = 60_000;
/** USER_HZ: /proc/stat counts in these (100 on every Linux build this runs on). */
const CLOCK_TICKS = 100;
const COMMANDS = ['uname -s', 'id -u', 'test -d /tmp && echo yes'];
const ROOT = new URL('..', import.meta.url).pathname;
const BIN = join(ROOT, 'dist/core/cli/bin.mjs');
const FLOOR = join(ROOT, 'bench/floor.mjs');

interface Case {
  name: 'plain' | 'become' | 'rc';
  user: string;
  become: boolean;
  sizes: number[];
}
const CASES: Case[] = [
  { name: 'plain', user: BENCH_USER, become: false, sizes: [100, 500, 1000] },
  { name: 'become', user: BENCH_USER, become: true, sizes: [100, 500] },
  { name: 'rc', user: BENCH_RC_USER, become: false, sizes: [100, 500] },
];

interface Measure {
  wallMs: number;
  cpuMs: number;
  /** CPU the whole machine spent during the run (all processes: the tool, sshd, the hosts' shells), from /proc/stat. */
  machineCpuMs: number;
  /** Processes the whole machine started during the run (/proc/stat `processes`): sshd's, the shells', the commands'. */
  forks: number;
  rssMb: number;
  ok: boolean;
}

/** Runs one tool under GNU time; `ok` is false on a non-zero exit or a host the floor failed. */
function measure(
  label: string,
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Measure {
  const timeFile = join(cwd, 'time.out');
  rmSync(timeFile, { force: true });
  const machineBefore = machineCpuMs();
  const forksBefore = forks();
  const started = performance.now();
  // timeout(1) inside time(1): at the cap the tool itself is stopped (killing time(1)
  // would leave it running), and time(1) still reports what it used.
  const cap = ['timeout', '-k', '5', String(CAP_MS / 1000)];
  const child = spawnSync('/usr/bin/time', ['-f', '%U %S %M', '-o', timeFile, ...cap, command, ...args], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: CAP_MS + 30_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = performance.now() - started;
  const machineUsed = machineCpuMs() - machineBefore;
  const forked = forks() - forksBefore;
  const [user, sys, rssKb] = (existsSync(timeFile) ? readFileSync(timeFile, 'utf8') : '')
    .trim()
    .split('\n')
    .at(-1)!
    .split(' ')
    .map(Number);
  const floorFailed = /^failed (\d+)/m.exec(String(child.stdout))?.[1];
  if (child.status === 124) console.log(`    ${label} stopped at the cap (${CAP_MS / 1000} s)`);
  const ok = child.status === 0 && (floorFailed === undefined || floorFailed === '0');
  if (!ok) {
    const why = child.error
      ? child.error.message
      : `${String(child.stderr).trim().split('\n').slice(-2).join(' | ')} ${floorFailed ? `${floorFailed} hosts failed` : ''}`;
    console.log(`    ${label} exited ${child.status}: ${why}`);
  }
  return {
    wallMs,
    cpuMs: ((user ?? 0) + (sys ?? 0)) * 1000,
    machineCpuMs: machineUsed,
    forks: forked,
    rssMb: (rssKb ?? 0) / 1024,
    ok,
  };
}

function forks(): number {
  return Number(/^processes (\d+)/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1] ?? 0);
}

/** Processes named sshd on the machine: the fleet's listener, plus one or two per open session. */
function sshdProcesses(): number {
  let count = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8') === 'sshd\n') count++;
    } catch {}
  }
  return count;
}

/**
 * Waits until no sshd session is left from the run before (bounded): sshd
 * tears sessions down after the client has gone, and that CPU would
 * otherwise be charged to whichever tool runs next.
 */
async function settle(idleSshd: number): Promise<void> {
  const until = performance.now() + SETTLE_CAP_MS;
  while (sshdProcesses() > idleSshd && performance.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Each figure's median over the runs (the middle one of an odd count, the mean of the middle two of an even one). */
function median(runs: Measure[]): Measure {
  const mid = (pick: (m: Measure) => number) => {
    const sorted = runs.map(pick).sort((a, b) => a - b);
    const half = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2;
  };
  return {
    wallMs: mid((m) => m.wallMs),
    cpuMs: mid((m) => m.cpuMs),
    machineCpuMs: mid((m) => m.machineCpuMs),
    forks: mid((m) => m.forks),
    rssMb: mid((m) => m.rssMb),
    ok: runs.every((m) => m.ok),
  };
}

/**
 * Busy CPU time of the whole machine so far (every field of /proc/stat's `cpu`
 * line but idle and iowait), in ms. The hosts here are simulated on this
 * machine, so the host-side cost of a tool's way of working (shells, sudo,
 * channels) shows up here and not in the tool's own CPU.
 */
function machineCpuMs(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = fields;
  const ticks = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
  return (ticks * 1000) / CLOCK_TICKS;
}

function writePlay(dir: string, become: boolean): string {
  const file = join(dir, `play-${become ? 'become' : 'plain'}.yml`);
  writeFileSync(
    file,
    [
      '- hosts: all',
      '  gather_facts: false',
      ...(become ? ['  become: true'] : []),
      '  tasks:',
      ...COMMANDS.map((c, i) => `    - name: step ${i + 1}\n      shell: ${JSON.stringify(c)}`),
      '',
    ].join('\n'),
  );
  return file;
}

function writeInventory(fleet: BenchFleet, c: Case, addresses: string[]): string {
  const file = join(fleet.dir, `inv-${c.name}-${addresses.length}.yml`);
  writeFileSync(
    file,
    [
      'all:',
      '  vars:',
      `    ansible_user: ${c.user}`,
      `    ansible_ssh_private_key_file: ${fleet.keyFile}`,
      '  hosts:',
      ...addresses.map((a) => `    ${a}:`),
      '',
    ].join('\n'),
  );
  return file;
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)}s`;
const row = (label: string, m: Measure, hosts: number) =>
  `${label} ${s(m.wallMs).padStart(7)}  cpu ${(m.cpuMs / hosts).toFixed(1).padStart(5)} ms/host  machine ${(m.machineCpuMs / hosts).toFixed(1).padStart(5)} ms/host ${(m.forks / hosts).toFixed(1).padStart(4)} procs/host  rss ${m.rssMb.toFixed(0).padStart(4)} MB${m.ok ? '' : '  (FAILED)'}`;

async function main(): Promise<void> {
  ensureFreshBuild();
  const only = process.env.BENCH_CASES?.split(',');
  const sizesOnly = process.env.BENCH_SIZES?.split(',').map(Number);
  const fleet = await startBenchFleet();
  if (!fleet) return;
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  try {
    // The become password reaches runner as a vars file, never on argv; the floor reads the same file.
    writeFileSync(
      join(fleet.dir, 'become.json'),
      JSON.stringify({ ansible_become_password: readFileSync(fleet.passwordFile, 'utf8').trim() }),
      { mode: 0o600 },
    );
    writeFileSync(
      join(fleet.dir, 'ansible.cfg'),
      [
        '[defaults]',
        'host_key_checking = False',
        'retry_files_enabled = False',
        'interpreter_python = /usr/bin/python3',
        `timeout = ${CONNECT_TIMEOUT_S}`,
        `forks = ${FORKS}`,
        '',
        '[ssh_connection]',
        'pipelining = True',
        '',
      ].join('\n'),
    );
    const env = {
      ...process.env,
      HOME: fleet.dir,
      CI: '1',
      NO_COLOR: '1',
      ANSIBLE_CONFIG: join(fleet.dir, 'ansible.cfg'),
    };
    const hasAnsible = existsSync('/usr/bin/ansible-playbook');
    const idleSshd = sshdProcesses();
    console.log(
      `${new Date().toISOString()}  ${cpus().length} x ${cpus()[0]?.model.trim()}  node ${process.version}  load before: ${load()}`,
    );
    console.log(
      `3 shell tasks per host; every tool at ${FORKS} hosts at once (runner -f, ansible forks, the floor's pool), ` +
        `${MAX_HANDSHAKES} handshakes at once (runner, floor). Hosts, sshd and the tools share this machine's CPU. ` +
        `Floor and runner: median of ${REPS} runs each, taking turns at going first, each run once no sshd session is left.`,
    );
    for (const c of CASES) {
      if (only && !only.includes(c.name)) continue;
      const play = writePlay(fleet.dir, c.become);
      for (const size of c.sizes) {
        if (sizesOnly && !sizesOnly.includes(size)) continue;
        const addresses = loopbackAddresses(size, 80);
        const inventory = writeInventory(fleet, c, addresses);
        const floorConfig = join(fleet.dir, 'floor.json');
        writeFileSync(
          floorConfig,
          JSON.stringify({
            addresses,
            keyFile: fleet.keyFile,
            user: c.user,
            commands: COMMANDS,
            concurrency: FORKS,
            maxHandshakes: MAX_HANDSHAKES,
            becomePasswordFile: c.become ? fleet.passwordFile : undefined,
          }),
        );
        const profile = process.env.BENCH_CPU_PROF;
        const runnerArgs = [
          ...(profile ? ['--cpu-prof', '--cpu-prof-dir', join(profile, 'runner')] : []),
          BIN,
          'play',
          play,
          '-i',
          inventory,
          '-f',
          String(FORKS),
          '--host-key-checking',
          'off',
          '-T',
          String(CONNECT_TIMEOUT_S),
        ];
        if (c.become) runnerArgs.push('-e', '@become.json');
        const floors: Measure[] = [];
        const runners: Measure[] = [];
        const baselines: Measure[] = [];
        const baselineBin = process.env.BENCH_BASELINE;
        const runFloor = async () => {
          await settle(idleSshd);
          const floorArgs = [
            ...(profile ? ['--cpu-prof', '--cpu-prof-dir', join(profile, 'floor')] : []),
            FLOOR,
            floorConfig,
          ];
          floors.push(measure('floor', process.execPath, floorArgs, fleet.dir, env));
        };
        const runRunner = async () => {
          await settle(idleSshd);
          runners.push(measure('runner', process.execPath, runnerArgs, fleet.dir, env));
          if (baselineBin) {
            await settle(idleSshd);
            const args = runnerArgs.map((a) => (a === BIN ? baselineBin : a));
            baselines.push(measure('baseline', process.execPath, args, fleet.dir, env));
          }
        };
        // Taking turns at going first: whatever the machine does over the cell weighs on both alike.
        for (let rep = 0; rep < REPS; rep++) {
          if (rep % 2 === 0) {
            await runFloor();
            await runRunner();
          } else {
            await runRunner();
            await runFloor();
          }
        }
        const floor = median(floors);
        const runner = median(runners);
        const each = runners.map((r, i) => `${(r.wallMs / floors[i]!.wallMs).toFixed(2)}x`).join(' ');
        console.log(`${c.name.padEnd(6)} ${String(size).padStart(4)} hosts`);
        console.log(`  ${row('floor           ', floor, size)}`);
        console.log(
          `  ${row('runner          ', runner, size)}  = ${(runner.wallMs / floor.wallMs).toFixed(2)}x floor` +
            (REPS > 1 ? ` (median of ${REPS}; each run: ${each})` : ''),
        );
        if (baselines.length > 0) {
          const baseline = median(baselines);
          console.log(
            `  ${row('baseline        ', baseline, size)}  = ${(baseline.wallMs / floor.wallMs).toFixed(2)}x floor (${baselineBin})`,
          );
        }
        if (hasAnsible && process.env.BENCH_ANSIBLE !== '0' && c.name === 'plain' && size <= ANSIBLE_UP_TO) {
          await settle(idleSshd);
          const ansible = measure(
            'ansible-playbook',
            '/usr/bin/ansible-playbook',
            ['-i', inventory, play],
            fleet.dir,
            env,
          );
          console.log(
            `  ${row('ansible-playbook', ansible, size)}  runner/ansible = ${(runner.wallMs / ansible.wallMs).toFixed(3)}`,
          );
        }
      }
    }
    console.log(`load after: ${load()}`);
  } finally {
    await fleet.cleanup();
  }
}

await main();
