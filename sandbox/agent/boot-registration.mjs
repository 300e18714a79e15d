// The runner sandbox's stand-in for the OpsWorks agent's boot-registration.
// It runs on a sandbox host (as `sudo <dir>/opsworks-agent-installer/boot-registration`),
// reads the preconfig beside it, makes an RSA key pair, calls RegisterInstance
// signed with SigV4 (the preconfig's IAM user key, or the instance role's
// credentials from the IMDSv2 endpoint on EC2-class hosts), writes the agent's
// files under $RUNNER_SANDBOX_ROOT and prints what the real agent prints.
// Node built-ins only: it runs from an extracted tarball, with no node_modules.
// It never prints a secret: the secret key reaches it only through the preconfig.

import { execFileSync } from 'node:child_process';
import { createHash, createHmac, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** Where readPreconfig keeps the file's mode (a symbol: never sent, never written to the agent config). */
const MODE = Symbol('preconfig mode');

function fail(message) {
  process.stderr.write(`Registration failed: ${message}\n`);
  process.exit(1);
}

/** `:key: <json>` lines, as the AWS CLI writes them ("Ruby YAML"). */
function readPreconfig(file) {
  let stat;
  try {
    stat = statSync(file);
  } catch {
    fail(`no preconfig at ${file}`);
  }
  // The real agent reads the preconfig whatever its mode (AWS's own `aws opsworks register`
  // writes it 0660, under umask 007), so this one does too. It notes the mode in the agent
  // log instead, for tests of what a caller promises (runner writes it 0600).
  const config = { [MODE]: (stat.mode & 0o777).toString(8).padStart(4, '0') };
  const lines = readFileSync(file, 'utf8').split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const m = /^:([a-z0-9_]+): (.*)$/.exec(line);
    if (!m) fail(`preconfig line ${index + 1} is not ':key: <json>'`);
    try {
      config[m[1]] = JSON.parse(m[2]);
    } catch {
      fail(`preconfig line ${index + 1} (key ${m[1]}) does not hold a JSON value`);
    }
  }
  return config;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Error codes that mean the request never reached the server: safe to send again, whatever it does. */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * fetch with the bounded retries the real agent's SDK makes: up to 4 attempts, exponential backoff
 * with jitter. `idempotent` requests (IMDS reads) are retried on any network failure, including a
 * kept-alive socket the server closed as the request went out; others only when the request
 * provably never left (connection refused, unreachable, connect timeout), so a retried
 * RegisterInstance can never register the host twice.
 */
async function fetchRetrying(url, init, { idempotent }) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (e) {
      const code = e?.cause?.code;
      const retryable = idempotent || NOT_SENT.has(code);
      if (!retryable || attempt >= 4) throw e;
      process.stderr.write(`note: ${new URL(url).origin} ${code ?? e.message}; retrying (${attempt}/3)\n`);
      await sleep(100 * 2 ** attempt + Math.floor(Math.random() * 100));
    }
  }
}

const sha256 = (data) => createHash('sha256').update(data).digest('hex');
const hmac = (key, data) => createHmac('sha256', key).update(data, 'utf8').digest();

function amzDate(now) {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** SigV4 for a JSON POST to `/`, by hand. */
function sign({ url, region, service, body, headers, credentials }) {
  const date = amzDate(new Date());
  const all = { ...headers, host: url.host, 'x-amz-date': date };
  if (credentials.sessionToken) all['x-amz-security-token'] = credentials.sessionToken;
  const names = Object.keys(all)
    .map((n) => n.toLowerCase())
    .sort();
  const lower = Object.fromEntries(Object.entries(all).map(([k, v]) => [k.toLowerCase(), String(v).trim()]));
  const canonical = [
    'POST',
    '/',
    '',
    names.map((n) => `${n}:${lower[n]}\n`).join(''),
    names.join(';'),
    sha256(body),
  ].join('\n');
  const scope = `${date.slice(0, 8)}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, sha256(canonical)].join('\n');
  const key = hmac(
    hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, date.slice(0, 8)), region), service),
    'aws4_request',
  );
  const signature = hmac(key, toSign).toString('hex');
  return {
    ...all,
    authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  };
}

async function imds() {
  const base = (process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT ?? 'http://169.254.169.254').replace(/\/$/, '');
  const tokenResponse = await fetchRetrying(
    `${base}/latest/api/token`,
    { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '300' } },
    { idempotent: true },
  ).catch((e) => fail(`instance metadata service unreachable at ${base}: ${e.message}`));
  if (!tokenResponse.ok) fail(`instance metadata service refused a token (HTTP ${tokenResponse.status})`);
  const token = await tokenResponse.text();
  const get = async (path) => {
    const r = await fetchRetrying(
      `${base}${path}`,
      { headers: { 'x-aws-ec2-metadata-token': token } },
      { idempotent: true },
    ).catch((e) => fail(`instance metadata ${path} unreachable at ${base}: ${e.message}`));
    if (!r.ok) fail(`instance metadata ${path} answered HTTP ${r.status}`);
    return r.text();
  };
  return {
    identity: async () => ({
      Document: await get('/latest/dynamic/instance-identity/document'),
      Signature: (await get('/latest/dynamic/instance-identity/signature')).trim(),
    }),
    roleCredentials: async () => {
      const role = (await get('/latest/meta-data/iam/security-credentials/')).split('\n')[0].trim();
      if (!role) fail('the instance has no instance profile role');
      const c = JSON.parse(await get(`/latest/meta-data/iam/security-credentials/${role}`));
      return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.Token };
    },
  };
}

async function registerInstance(config, credentials, input) {
  const scheme = String(config.ops_works_use_ssl) === 'true' ? 'https' : 'http';
  const url = new URL(`${scheme}://${config.ops_works_endpoint}:${config.ops_works_port}/`);
  const region = config.ops_works_region;
  const body = JSON.stringify(input);
  for (let attempt = 1; ; attempt++) {
    const headers = sign({
      url,
      region,
      service: 'opsworks',
      body,
      credentials,
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'OpsWorks_20130218.RegisterInstance',
      },
    });
    delete headers.host;
    let response;
    try {
      response = await fetchRetrying(url, { method: 'POST', headers, body }, { idempotent: false });
    } catch (e) {
      fail(`OpsWorks endpoint ${url.origin} unreachable: ${e.message}`);
    }
    const text = await response.text();
    if (response.ok) return JSON.parse(text);
    let error = {};
    try {
      error = JSON.parse(text);
    } catch {}
    const code = String(error.__type ?? response.headers.get('x-amzn-errortype') ?? `HTTP ${response.status}`)
      .split('#')
      .pop();
    if (code === 'ThrottlingException' && attempt < 5) {
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      continue;
    }
    fail(`RegisterInstance: ${code}: ${error.message ?? error.Message ?? text.slice(0, 200)}`);
  }
}

function writeAgentFiles(root, config, instanceId, credentials, privateKeyPem) {
  const put = (path, content, mode) => {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
    writeFileSync(file, content, { mode });
  };
  const agentConfig = {
    stack_id: config.stack_id,
    instance_id: instanceId,
    ...(credentials.userKey
      ? { access_key_id: credentials.accessKeyId, secret_access_key: credentials.secretAccessKey }
      : {}),
    charlie_public_key: config.charlie_public_key,
    instance_service_endpoint: config.instance_service_endpoint,
    instance_service_port: config.instance_service_port,
    instance_service_region: config.instance_service_region,
    instance_service_use_ssl: config.instance_service_use_ssl,
    wait_between_runs: config.wait_between_runs,
  };
  const yml = Object.keys(agentConfig)
    .sort()
    .filter((k) => agentConfig[k] !== undefined)
    .map((k) => `:${k}: ${JSON.stringify(agentConfig[k])}`)
    .join('\n');
  put('etc/aws/opsworks/instance-agent.yml', `---\n${yml}\n`, 0o600);
  put('var/lib/aws/opsworks/rsa_key.pem', privateKeyPem, 0o600);
  put('opt/aws/opsworks/current/VERSION', 'runner-sandbox-agent\n', 0o644);
  put(
    'var/log/aws/opsworks/opsworks-agent.log',
    `${new Date().toISOString()} preconfig mode ${config[MODE]}\n${new Date().toISOString()} registered as ${instanceId}\n`,
    0o644,
  );
}

async function main() {
  const root = process.env.RUNNER_SANDBOX_ROOT;
  if (!root) fail('RUNNER_SANDBOX_ROOT is not set: this sandbox agent installs only into a sandbox host');
  const config = readPreconfig(join(here, 'preconfig'));
  if (!config.stack_id) fail('preconfig has no stack_id');
  for (const key of ['ops_works_endpoint', 'ops_works_port', 'ops_works_region']) {
    if (!config[key]) fail(`preconfig has no ${key}`);
  }
  const metadata = config.import === true ? await imds() : undefined;
  let credentials;
  if (config.access_key_id && config.secret_access_key) {
    credentials = {
      accessKeyId: config.access_key_id,
      secretAccessKey: config.secret_access_key,
      userKey: true,
    };
  } else if (metadata) {
    credentials = await metadata.roleCredentials();
  } else {
    fail('preconfig has no access_key_id/secret_access_key and this is not an EC2 instance with a role');
  }
  const hostname = config.hostname ?? execFileSync('hostname', { encoding: 'utf8' }).trim();
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' });
  const fingerprint = createHash('md5')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .replace(/(..)(?!$)/g, '$1:');
  const input = {
    StackId: config.stack_id,
    Hostname: hostname,
    ...(config.private_ip ? { PrivateIp: config.private_ip } : {}),
    ...(config.public_ip ? { PublicIp: config.public_ip } : {}),
    RsaPublicKey: publicPem,
    RsaPublicKeyFingerprint: fingerprint,
    ...(metadata ? { InstanceIdentity: await metadata.identity() } : {}),
  };
  const result = await registerInstance(config, credentials, input);
  writeAgentFiles(
    root,
    config,
    result.InstanceId,
    credentials,
    privateKey.export({ type: 'pkcs8', format: 'pem' }),
  );
  process.stdout.write(`Instance successfully registered. Instance ID: ${result.InstanceId}\n`);
}

main().catch((e) => fail(e instanceof Error ? e.message : String(e)));
