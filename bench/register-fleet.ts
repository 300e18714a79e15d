/**
 * `runner play register` on N sandbox hosts (default 1,000) from one
 * controller: the embedded sandbox (AWS endpoint and SSH hosts on
 * 127.0.x.y) runs in this process, and runner runs from dist/ as its own
 * process under GNU time, as a user runs it. Reported: wall time, the
 * controller's CPU (user+sys, children included) per host, its peak RSS, the
 * sandbox's own CPU (this process: hosts and AWS, not the controller), load
 * average before and after; then every host is checked: one registered
 * instance per host in the stack, one IAM user per host.
 *   npm run bench:register   [BENCH_HOSTS=1000] [BENCH_FORKS=50] [BENCH_API_RATE=200] [BENCH_CAP_S=1800]
 * The run is stopped at BENCH_CAP_S (30 minutes) whatever the machine does.
 * Not a test: it prints, and asserts nothing (this machine is shared and noisy).
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../sandbox/index.js';
import { ensureFreshBuild } from '../test/support/fresh-build.js';

const HOSTS = Number(process.env.BENCH_HOSTS ?? 1000);
const FORKS = Number(process.env.BENCH_FORKS ?? 50);
/**
 * `--api-rate`: the account's AWS calls per second (IAM, OpsWorks). Runner's
 * default IAM budget (8/s, what real AWS accounts allow for IAM writes) would
 * make this bench measure the rate limiter; the sandbox does not throttle, so
 * the bench raises it to measure the controller (bench/README.md).
 */
const API_RATE = Number(process.env.BENCH_API_RATE ?? 200);
/** The whole run is stopped past this (timeout(1) inside time(1), so time still reports). */
const CAP_S = Number(process.env.BENCH_CAP_S ?? 1800);
const ROOT = new URL('..', import.meta.url).pathname;
const BIN = join(ROOT, 'dist/core/cli/bin.mjs');

/** time(1) -> timeout(1) -> node: runner's CPU (user+sys) and peak RSS from /proc. */
function sampleRunner(timePid: number): { cpuMs: number; rssKb: number } | undefined {
  const children = (pid: number) =>
    readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  try {
    const [timeoutPid] = children(timePid);
    const [node] = timeoutPid === undefined ? [] : children(timeoutPid);
    if (node === undefined) return undefined;
    const stat = readFileSync(`/proc/${node}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 (1-based), in clock ticks (100 per second here).
    const cpuMs = (Number(fields[11]) + Number(fields[12])) * 10;
    const rssKb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${node}/status`, 'utf8'))?.[1] ?? 0);
    return { cpuMs, rssKb };
  } catch {
    return undefined;
  }
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  ensureFreshBuild();
  console.log(
    `${new Date().toISOString()}  ${cpus().length} x ${cpus()[0]?.model.trim()}  node ${process.version}  load before: ${load()}`,
  );
  const setupStarted = performance.now();
  // EC2-class hosts as the fleet e2e test has them: a quarter, each with its metadata service.
  const sb = await startSandbox({ hosts: HOSTS, ec2Share: 0.25 });
  try {
    const inventory = join(sb.dir, 'inventory.yml');
    await sb.writeInventory(inventory);
    console.log(
      `sandbox with ${HOSTS} hosts up in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`,
    );
    const timeFile = join(sb.dir, 'time.out');
    const outFile = join(sb.dir, 'runner.ndjson');
    const errFile = join(sb.dir, 'runner.err');
    const out = openSync(outFile, 'w');
    const err = openSync(errFile, 'w');
    const sandboxCpu = process.cpuUsage();
    const started = performance.now();
    // Async spawn: the sandbox in this process must keep answering while runner runs.
    let last: { cpuMs: number; rssKb: number } | undefined;
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(
        '/usr/bin/time',
        [
          '-f',
          '%U %S %M',
          '-o',
          timeFile,
          'timeout',
          '-k',
          '5',
          String(CAP_S),
          process.execPath,
          BIN,
          'play',
          'register',
          '-i',
          inventory,
          '--known-hosts',
          sb.knownHostsFile,
          '-e',
          `opsworks_stack_id=${sb.stackId}`,
          // As the fleet e2e test: counting updates would run apt once per host on this machine.
          '-e',
          'opsworks_os_updates=remind',
          '--json',
          '-f',
          String(FORKS),
          '--api-rate',
          String(API_RATE),
        ],
        {
          cwd: sb.dir,
          env: {
            ...process.env,
            ...sb.envVars(),
            CI: '1',
            NO_COLOR: '1',
            // The run's journal with the sandbox (removed with it), not in the user's ~/.runner.
            RUNNER_JOURNAL_DIR: join(sb.dir, 'journal'),
            AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1',
          },
          stdio: ['ignore', out, err],
        },
      );
      // time(1) reports nothing useful when the cap kills runner (timeout(1) does not wait for it):
      // sample runner's own CPU and peak RSS from /proc meanwhile, the last sample stands then.
      const sampler = setInterval(() => {
        if (child.pid !== undefined) last = sampleRunner(child.pid) ?? last;
      }, 2000);
      child.on('error', reject);
      child.on('close', (status) => {
        clearInterval(sampler);
        resolve(status);
      });
    });
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(sandboxCpu);
    closeSync(out);
    closeSync(err);
    const loadAfter = load();
    const [user, sys, rssKb] = (existsSync(timeFile) ? readFileSync(timeFile, 'utf8') : '')
      .trim()
      .split('\n')
      .at(-1)!
      .split(' ')
      .map(Number);
    // Runner exited by itself (any status but timeout(1)'s 124 or a kill): time(1) has its figures.
    const timed = code !== null && code !== 124 && code < 128;
    const cpuMs = timed ? ((user ?? 0) + (sys ?? 0)) * 1000 : (last?.cpuMs ?? 0);
    const peakKb = timed ? (rssKb ?? 0) : (last?.rssKb ?? 0);
    if (!timed) console.log('(controller cpu and rss: the last /proc sample before the end, 2 s apart)');
    const done = readFileSync(outFile, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{"type":"host.done"') || l.includes('"type":"host.done"'))
      .map((l) => JSON.parse(l) as { host: string; status?: string; msg?: string });
    const state = sb.state();
    const registered = state.instances.filter((i) => i.StackId === sb.stackId && i.Status === 'registered');
    const hostnames = new Set(registered.map((i) => i.Hostname));
    const users = state.iam.users.length;
    if (code === 124) console.log(`runner stopped at the cap (${CAP_S} s)`);
    if (code !== 0)
      console.log(
        `runner exited ${code}: ${readFileSync(errFile, 'utf8').trim().split('\n').slice(-3).join(' | ')}`,
      );
    console.log(
      `register ${HOSTS} hosts, -f ${FORKS}, --api-rate ${API_RATE}: wall ${(wallMs / 1000).toFixed(1)} s, ` +
        `controller cpu ${(cpuMs / 1000).toFixed(1)} s = ${(cpuMs / HOSTS).toFixed(1)} ms/host, ` +
        `peak rss ${(peakKb / 1024).toFixed(0)} MB`,
    );
    console.log(
      `sandbox (this process: ssh servers + aws endpoint; not the commands the hosts spawn) cpu ${((used.user + used.system) / 1e6).toFixed(1)} s`,
    );
    console.log(
      `verified: ${registered.length} registered instances in the stack (${hostnames.size} distinct hostnames), ` +
        `${users} IAM users, ${done.length} host.done events (${done.filter((d) => d.status === 'ok').length} ok) ` +
        `for ${HOSTS} hosts${registered.length === HOSTS && hostnames.size === HOSTS ? '' : '  (INCOMPLETE)'}`,
    );
    // Why hosts were not ok: the first few distinct reasons, with how many hosts gave each.
    const reasons = new Map<string, number>();
    for (const d of done.filter((d) => d.status !== 'ok')) {
      const reason = `${d.status}: ${(d.msg ?? '').replace(/sandbox-\d+/g, 'sandbox-N').slice(0, 160)}`;
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    for (const [reason, count] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 5))
      console.log(`  ${count} hosts: ${reason}`);
    console.log(`load after: ${loadAfter}`);
  } finally {
    await sb.stop();
  }
}

await main();
