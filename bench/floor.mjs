/**
 * The floor, as its own process so it is measured like the tools it is
 * compared with (node start-up included): a bare ssh2 client that opens one
 * connection per host and runs every command of the play in ONE exec channel
 * (with `sudo -S` for the become case, the password written once to stdin),
 * with at most `concurrency` hosts in flight and `maxHandshakes` handshakes.
 * It is the least work that gets the same commands run on the same hosts.
 *
 *   node bench/floor.mjs CONFIG.json
 * CONFIG: { addresses, keyFile, user, commands, concurrency, maxHandshakes, becomePasswordFile? }
 * Prints `failed N` on stdout; exits 0 even when hosts failed (the bench reports them).
 */
import { readFileSync } from 'node:fs';
import { Client } from 'ssh2';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const key = readFileSync(config.keyFile);
const password = config.becomePasswordFile ? readFileSync(config.becomePasswordFile, 'utf8').trim() : '';
const script = config.commands.join('; ');
const quoted = `'${script.replaceAll("'", `'\\''`)}'`;
const command = password ? `sudo -S -p '' /bin/sh -c ${quoted}` : script;

/** A bounded pool: at most `size` of `fn` running at once. */
function limiter(size) {
  let free = size;
  const waiting = [];
  return async (fn) => {
    if (free > 0) free--;
    else await new Promise((resolve) => waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free++;
    }
  };
}

const slots = limiter(config.concurrency);
const handshakes = limiter(config.maxHandshakes);
let failed = 0;

async function host(address) {
  const client = new Client();
  client.on('error', () => {});
  try {
    await handshakes(
      () =>
        new Promise((resolve, reject) => {
          client.once('ready', resolve);
          client.once('error', reject);
          client.connect({
            host: address,
            port: 22,
            username: config.user,
            privateKey: key,
            readyTimeout: 60_000,
          });
        }),
    );
    const code = await new Promise((resolve, reject) => {
      client.exec(command, (error, channel) => {
        if (error) return reject(error);
        let exit = -1;
        channel.resume();
        channel.stderr.resume();
        channel.on('exit', (c) => {
          exit = c;
        });
        channel.on('close', () => resolve(exit));
        if (password) channel.write(`${password}\n`);
        channel.end();
      });
    });
    if (code !== 0) failed++;
  } catch {
    failed++;
  } finally {
    client.end();
  }
}

await Promise.all(config.addresses.map((a) => slots(() => host(a))));
process.stdout.write(`failed ${failed}\n`);
