#!/usr/bin/env node
// Runs a command inside a fresh network namespace whose loopback holds all of
// 127.0.0.0/8, so one sshd bound to 0.0.0.0:22 in it serves every 127.x.y.z as
// a distinct host, and nothing in the test run can reach any other network.
// Used by `npm test` and `npm run bench`. Needs root and iproute2; without
// them the command runs as it is and suites that need the namespace say why.
import { spawn, spawnSync } from 'node:child_process';

const argv = process.argv.slice(2);
if (argv.length === 0) {
  console.error('usage: netns-run.mjs <command> [args...]');
  process.exit(2);
}

function run(cmd, args, env = process.env) {
  const child = spawn(cmd, args, { stdio: 'inherit', env });
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasIp = spawnSync('ip', ['-V'], { stdio: 'ignore' }).status === 0;

if (process.env.RUNNER_NETNS || !isRoot || !hasIp) {
  if (!process.env.RUNNER_NETNS) {
    console.error(
      `netns-run: ${isRoot ? 'iproute2 (ip) is missing' : 'not root'}; running without a network namespace`,
    );
  }
  process.exit(await run(argv[0], argv.slice(1)));
}

const ns = `runner-test-${process.pid}`;
const ip = (...args) => spawnSync('ip', args, { encoding: 'utf8' });
const added = ip('netns', 'add', ns);
if (added.status !== 0) {
  console.error(`netns-run: ip netns add ${ns} failed: ${added.stderr.trim()}`);
  process.exit(1);
}
let code = 1;
try {
  ip('-n', ns, 'link', 'set', 'lo', 'up');
  code = await run('ip', ['netns', 'exec', ns, ...argv], { ...process.env, RUNNER_NETNS: ns });
} finally {
  ip('netns', 'del', ns);
}
process.exit(code);
