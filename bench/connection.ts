import { join } from 'node:path';
import { sshConnectionFactory } from '../core/connection/index.js';
import { sshRun } from '../core/connection/ssh/options.js';
import { loopbackAddresses } from '../test/support/sshd.js';
import { BENCH_USER, floor, startBenchFleet } from './support.js';

// Its own user, so the bench never collides with the test suites' users.
const USER = BENCH_USER;
const SIZES = [100, 500];
const MAX_HANDSHAKES = 64;
const COMMANDS = ['uname -s', 'id -u', 'test -d /tmp && echo yes'];

async function viaRunner(addresses: string[], keyFile: string, dir: string): Promise<number> {
  const run = sshRun({
    connectTimeoutMs: 60_000,
    maxHandshakes: MAX_HANDSHAKES,
    hostKeyChecking: 'off',
    knownHostsFiles: [],
    recordKnownHostsFile: join(dir, 'known_hosts'),
    systemKnownHosts: false,
  });
  const started = performance.now();
  let failed = 0;
  await Promise.all(
    addresses.map(async (address) => {
      const conn = sshConnectionFactory.create(
        { host: address, address, port: 22, user: USER, privateKeyFile: keyFile, vars: {} },
        run,
      );
      try {
        for (const command of COMMANDS) {
          if ((await conn.exec(command)).exitCode !== 0) failed++;
        }
      } catch (error) {
        if (failed++ === 0) console.log(`  runner: ${(error as Error).message}`);
      } finally {
        await conn.close();
      }
    }),
  );
  if (failed) console.log(`  runner: ${failed} failures`);
  return performance.now() - started;
}

async function main(): Promise<void> {
  const fleet = await startBenchFleet();
  if (!fleet) return;
  try {
    console.log(
      `3 commands per host as ${BENCH_USER}; handshakes limited to ${MAX_HANDSHAKES}; all hosts at once`,
    );
    for (const size of SIZES) {
      const addresses = loopbackAddresses(size, 60);
      const ours = await viaRunner(addresses, fleet.keyFile, fleet.dir);
      const raw = await floor(addresses, fleet.key, COMMANDS, {
        concurrency: size,
        maxHandshakes: MAX_HANDSHAKES,
      });
      console.log(
        `${String(size).padStart(4)} hosts: runner ${(ours / 1000).toFixed(2)}s, floor (1 raw exec/host) ${(raw.ms / 1000).toFixed(2)}s, ratio ${(ours / raw.ms).toFixed(2)}`,
      );
    }
  } finally {
    await fleet.cleanup();
  }
}

await main();
