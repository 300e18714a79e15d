/**
 * `runner play` against a floor and against ansible-playbook, side by side in
 * one run, on the same namespace hosts: a 3-task play (gather_facts off) over
 * 100 and 500 hosts. Run inside the namespace (as root):
 *   npm run bench
 * Prints wall times and ratios; no assertion, as these machines are noisy.
 * ansible-playbook runs at 100 hosts only: at 500 it takes minutes here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loopbackAddresses } from '../test/support/sshd.js';
import { BENCH_USER, floor, startBenchFleet } from './support.js';

const SIZES = [100, 500];
const ANSIBLE_UP_TO = 100;
const FORKS = 100;
const MAX_HANDSHAKES = 32;
const COMMANDS = ['uname -s', 'id -u', 'test -d /tmp && echo yes'];
const BIN = new URL('../core/cli/bin.mjs', import.meta.url).pathname;

function timed(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): { ms: number; code: number | null } {
  const started = performance.now();
  const result = spawnSync(command, args, {
    cwd,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 600_000,
  });
  const ms = performance.now() - started;
  if (result.status !== 0)
    console.log(
      `  ${command} exited ${result.status}: ${String(result.stderr).trim().split('\n').slice(-3).join(' | ')}`,
    );
  return { ms, code: result.status };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)}s`;

async function main(): Promise<void> {
  const fleet = await startBenchFleet();
  if (!fleet) return;
  try {
    const play = join(fleet.dir, 'play.yml');
    writeFileSync(
      play,
      [
        '- hosts: all',
        '  gather_facts: false',
        '  tasks:',
        ...COMMANDS.map((c, i) => `    - name: step ${i + 1}\n      shell: ${JSON.stringify(c)}`),
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(fleet.dir, 'ansible.cfg'),
      [
        '[defaults]',
        'host_key_checking = False',
        'retry_files_enabled = False',
        'interpreter_python = /usr/bin/python3',
        `forks = ${FORKS}`,
        '',
        '[ssh_connection]',
        'pipelining = True',
        '',
      ].join('\n'),
    );
    const hasAnsible = existsSync('/usr/bin/ansible-playbook');
    console.log(
      `3 shell tasks per host as ${BENCH_USER}; ${FORKS} hosts at once; ${MAX_HANDSHAKES} handshakes at once`,
    );
    for (const size of SIZES) {
      const addresses = loopbackAddresses(size, 80);
      const inventory = join(fleet.dir, `inv-${size}.yml`);
      writeFileSync(
        inventory,
        [
          'all:',
          '  vars:',
          `    ansible_user: ${BENCH_USER}`,
          `    ansible_ssh_private_key_file: ${fleet.keyFile}`,
          '  hosts:',
          ...addresses.map((a) => `    ${a}:`),
          '',
        ].join('\n'),
      );
      const env = {
        ...process.env,
        HOME: fleet.dir,
        CI: '1',
        ANSIBLE_CONFIG: join(fleet.dir, 'ansible.cfg'),
      };
      const base = floor(addresses, fleet.key, COMMANDS, {
        concurrency: FORKS,
        maxHandshakes: MAX_HANDSHAKES,
      });
      const floorResult = await base;
      const runner = timed(
        process.execPath,
        [BIN, 'play', play, '-i', inventory, '-f', String(FORKS), '--host-key-checking', 'off'],
        env,
        fleet.dir,
      );
      let line = `${String(size).padStart(4)} hosts: floor ${seconds(floorResult.ms)}${floorResult.failed ? ` (${floorResult.failed} failed)` : ''}, runner ${seconds(runner.ms)} (${(runner.ms / floorResult.ms).toFixed(2)}x floor)`;
      if (hasAnsible && size <= ANSIBLE_UP_TO) {
        const ansible = timed('/usr/bin/ansible-playbook', ['-i', inventory, play], env, fleet.dir);
        line += `, ansible-playbook ${seconds(ansible.ms)} (runner is ${(ansible.ms / runner.ms).toFixed(1)}x faster)`;
      }
      console.log(line);
    }
  } finally {
    await fleet.cleanup();
  }
}

await main();
