// The runner sandbox's stand-in for amazon-ssm-agent's registration: what
// `amazon-ssm-agent -register -code <code> -id <id> -region <region> [-y]` does on
// a real machine, done under $RUNNER_SANDBOX_ROOT. Like the real agent it makes an
// RSA key pair, keeps it in its vault (var/lib/amazon/ssm/Vault), calls the
// anonymous SSM action RegisterManagedInstance with the activation ID and code,
// the public key and a machine fingerprint, and writes the managed node ID to
// var/lib/amazon/ssm/registration. It retries what the real agent's SDK retries.
// There is no daemon: the sandbox reports the node Online while the host is up and
// this registration file names it.
// Node built-ins only: it runs from an extracted tarball, with no node_modules.
// It never prints the activation code: the code reaches it only on its command line.

import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const VERSION = '3.3.1142.0';
const REGISTRATION = 'var/lib/amazon/ssm/registration';
const VAULT_KEY = 'var/lib/amazon/ssm/Vault/Store/RegistrationKey';
const FINGERPRINT = 'var/lib/amazon/ssm/Vault/Store/InstanceFingerprint';
const CONFIG = 'etc/amazon/ssm/amazon-ssm-agent.json';
const LOG = 'var/log/amazon/ssm/amazon-ssm-agent.log';

const root = process.env.RUNNER_SANDBOX_ROOT;

function stamp() {
  return new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, '');
}

/** One log line, to the console and the agent's log file, as the agent's logger does. */
function log(level, message) {
  const line = `${stamp()} ${level} ${message}\n`;
  (level === 'ERROR' ? process.stderr : process.stdout).write(line);
  if (!root) return;
  try {
    mkdirSync(join(root, dirname(LOG)), { recursive: true });
    appendFileSync(join(root, LOG), line);
  } catch {}
}

function usage() {
  process.stderr.write(
    [
      '',
      '',
      'Command-line Usage:',
      '\t-register\tregister managed instance',
      '\t\t-id    \tSSM activation ID  \t(REQUIRED)',
      '\t\t-code  \tSSM activation code\t(REQUIRED)',
      '\t\t-region\tSSM region         \t(REQUIRED)',
      '',
      '\t\t-clear\tClears the previously saved SSM registration',
      '',
      '\t-y\tAnswer yes for all questions',
      '',
    ].join('\n'),
  );
}

const BOOLEAN = new Set(['register', 'clear', 'y', 'version', 'disableSimilarityCheck', 'fingerprint']);
const VALUED = new Set(['code', 'id', 'region', 'similarityThreshold']);

/** Go's flag package: `-name`, `--name`, `-name value`, `-name=value`; an unknown flag exits 2. */
function parseFlags(argv) {
  const flags = {};
  let count = 0;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const m = /^--?([^=]+)(?:=(.*))?$/.exec(arg);
    if (!m) break;
    const [, name, inline] = m;
    if (BOOLEAN.has(name)) flags[name] = inline === undefined ? true : inline !== 'false';
    else if (VALUED.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) {
        process.stderr.write(`flag needs an argument: -${name}\n`);
        usage();
        process.exit(2);
      }
      flags[name] = value;
    } else {
      process.stderr.write(`flag provided but not defined: -${name}\n`);
      usage();
      process.exit(2);
    }
    count++;
  }
  return { flags, count };
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(join(root, path), 'utf8'));
  } catch {
    return undefined;
  }
}

function write(path, content, mode) {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
  writeFileSync(file, content, { mode });
}

function registeredId() {
  const vault = readJson(VAULT_KEY);
  return vault?.instanceID || readJson(REGISTRATION)?.ManagedInstanceID || '';
}

/** The real agent's endpoint override (Ssm.Endpoint in amazon-ssm-agent.json), else the regional endpoint. */
function endpointFor(region) {
  const configured = readJson(CONFIG)?.Ssm?.Endpoint;
  if (configured) return configured.includes('://') ? configured : `https://${configured}`;
  return `https://ssm.${region}.amazonaws.com`;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Error codes that mean the request never reached the server: safe to send again. */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const RETRYABLE_CODES = new Set(['ThrottlingException', 'InternalServerError', 'ServiceUnavailable']);

/**
 * RegisterManagedInstance, unsigned (the real agent sends it with anonymous credentials),
 * with the SDK's bounded retries: 4 attempts, exponential backoff with jitter, on throttling,
 * 5xx, and network failures where the request provably never left (a retried registration
 * must not register the host twice).
 */
async function registerManagedInstance(endpoint, body) {
  const url = new URL('/', endpoint);
  for (let attempt = 1; ; attempt++) {
    let response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'AmazonSSM.RegisterManagedInstance',
          'user-agent': `aws-sdk-go/1.55.5 amazon-ssm-agent/${VERSION}`,
          // The sandbox's own header: which host's agent this is (for its PingStatus and fault knobs).
          'x-runner-sandbox-host': process.env.RUNNER_SANDBOX_HOSTNAME ?? '',
        },
        body: JSON.stringify(body),
      });
    } catch (e) {
      const code = e?.cause?.code;
      if (!NOT_SENT.has(code) || attempt >= 4)
        throw new Error(`RequestError: send request failed: ${code ?? e.message}`);
      log('WARN', `${url.origin} ${code}; retrying (${attempt}/3)`);
      await sleep(100 * 2 ** attempt + Math.floor(Math.random() * 100));
      continue;
    }
    const text = await response.text();
    if (response.ok) return JSON.parse(text);
    let error = {};
    try {
      error = JSON.parse(text);
    } catch {}
    const code = String(error.__type ?? response.headers.get('x-amzn-errortype') ?? `HTTP ${response.status}`)
      .split('#')
      .pop()
      .split(':')[0];
    if ((RETRYABLE_CODES.has(code) || response.status >= 500) && attempt < 4) {
      log('WARN', `RegisterManagedInstance: ${code}; retrying (${attempt}/3)`);
      await sleep(100 * 2 ** attempt + Math.floor(Math.random() * 100));
      continue;
    }
    throw new Error(`${code}: ${error.message ?? error.Message ?? text.slice(0, 200)}`);
  }
}

async function askForConfirmation() {
  process.stdout.write(
    '\nInstance already registered. Would you like to override existing with new registration information? [Yes/No]: ',
  );
  const line = await new Promise((resolve) => {
    let data = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk) => {
      data += chunk;
      if (data.includes('\n')) resolve(data.split('\n')[0]);
    });
    process.stdin.on('end', () => resolve(data.length > 0 ? data : undefined));
  });
  process.stdin.pause();
  if (line === undefined) throw new Error('EOF');
  const first = line.trim().charAt(0).toLowerCase();
  if (first === 'y') return true;
  if (first === 'n') return false;
  throw new Error('Invalid response received.');
}

function clearRegistration() {
  rmSync(join(root, VAULT_KEY), { force: true });
  rmSync(join(root, REGISTRATION), { force: true });
  log('INFO', 'Registration information has been removed from the instance.');
  return 0;
}

async function register(flags) {
  if (!flags.code || !flags.id || !flags.region) {
    if (flags.clear) return clearRegistration();
    usage();
    return 1;
  }
  if (!flags.y && registeredId() !== '') {
    let confirmed;
    try {
      confirmed = await askForConfirmation();
    } catch (e) {
      log('ERROR', `Registration failed due to ${e.message}`);
      return 1;
    }
    if (!confirmed) {
      log('INFO', 'Registration canceled by user');
      return 1;
    }
  }
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicDer = publicKey.export({ type: 'pkcs1', format: 'der' }).toString('base64');
  const privateDer = privateKey.export({ type: 'pkcs1', format: 'der' }).toString('base64');
  const vault = (instanceID, region) =>
    JSON.stringify({
      instanceID,
      region,
      instanceType: '',
      availabilityZone: '',
      privateKey: privateDer,
      privateKeyType: 'Rsa',
    });
  try {
    // Checking write access before registering, as the real agent does.
    write(VAULT_KEY, vault('', ''), 0o600);
  } catch (e) {
    log(
      'ERROR',
      `Registration failed due to Unable to save registration information. ${e.message}\nTry running as sudo/administrator.`,
    );
    return 1;
  }
  let fingerprint = existsSync(join(root, FINGERPRINT))
    ? readFileSync(join(root, FINGERPRINT), 'utf8').trim()
    : '';
  if (!fingerprint) {
    fingerprint = randomUUID();
    write(FINGERPRINT, fingerprint, 0o600);
  }
  let result;
  try {
    result = await registerManagedInstance(endpointFor(flags.region), {
      ActivationCode: flags.code,
      ActivationId: flags.id,
      PublicKey: publicDer,
      PublicKeyType: 'Rsa',
      Fingerprint: fingerprint,
    });
  } catch (e) {
    log('ERROR', `Registration failed due to error registering the instance with AWS SSM. ${e.message}`);
    return 1;
  }
  const id = result.InstanceId;
  write(VAULT_KEY, vault(id, flags.region), 0o600);
  write(REGISTRATION, JSON.stringify({ ManagedInstanceID: id, Region: flags.region }), 0o600);
  log('INFO', `Successfully registered the instance with AWS SSM using Managed instance-id: ${id}`);
  return 0;
}

async function main() {
  const { flags, count } = parseFlags(process.argv.slice(2));
  if (count === 1 && flags.version) {
    process.stdout.write(`SSM Agent version: ${VERSION}\n`);
    return 0;
  }
  if (!root) {
    process.stderr.write('RUNNER_SANDBOX_ROOT is not set: this sandbox agent runs only on a sandbox host\n');
    return 1;
  }
  if (count > 0) {
    if (flags.register) return register(flags);
    usage();
    return 1;
  }
  // No flags: the real binary starts the agent's daemon. Here the sandbox itself reports the
  // node Online while the host is up, so there is nothing to keep running.
  const id = registeredId();
  log(
    'INFO',
    id ? `Agent registered as ${id}; the runner sandbox reports its status` : 'Agent is not registered',
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    log('ERROR', e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
