import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { handleAdmin } from './admin.js';
import { buildInstaller } from './agent/installer.js';
import { buildSsmAgentPackage, SSM_AGENT_KEYS, ssmAgentBucket } from './agent/ssm-package.js';
import type { AwsContext, CallRecord, CommandRecord } from './aws/context.js';
import { schedule } from './aws/opsworks/lifecycle.js';
import { newStack } from './aws/opsworks/stacks.js';
import { startAwsServer } from './aws/server.js';
import { writeAwsCliConfig } from './awscli/config.js';
import * as D from './defaults.js';
import { envLines } from './env.js';
import { FaultController, type Faults, type FaultsInput } from './faults.js';
import { vpcId as newVpcId, uuid } from './ids.js';
import { inventoryYaml, writeInventoryFile } from './inventory.js';
import { startFleet } from './ssh/fleet.js';
import { generateEd25519 } from './ssh/keys.js';
import { type AwsState, emptyAwsState, type OpsWorksStatus } from './state/model.js';
import { loadState, type PersistedMeta, saveState } from './state/persist.js';
import { type SandboxStateView, stateView } from './view.js';

export type { CallRecord, CommandRecord } from './aws/context.js';
export { SANDBOX_ACCESS_KEY_ID, SANDBOX_ACCOUNT_ID, SANDBOX_SECRET_ACCESS_KEY } from './defaults.js';
export type { Faults, FaultsInput, ThrottleRule } from './faults.js';
export type { SandboxStateView } from './view.js';

/**
 * The runner sandbox: an embedded OpsWorks-compatible AWS endpoint (OpsWorks,
 * SSM, IAM, S3, EC2, STS, all SigV4-verified) plus a fleet of local SSH hosts, for
 * the README's default target and the end-to-end tests.
 */
export interface SandboxOptions {
  /** Number of SSH hosts (default 4). */
  hosts?: number;
  /** Share of hosts that are EC2-class, 0..1 (default 0.5). */
  ec2Share?: number;
  /** Persist state, keys and host roots here and reload them on start; a temp dir (removed on stop) when absent. */
  dir?: string;
  /** registering -> registered takes this long on the sandbox clock (default 200 ms). */
  registrationDelayMs?: number;
  faults?: FaultsInput;
  /** Bind every SSH host to this address on distinct ports, instead of one 127.0.x.y per host at one port. */
  bindAddress?: string;
  /** The AWS endpoint's port (default 0: any free port). It always binds 127.0.0.1. */
  port?: number;
  /** Preferred shared SSH port in per-address mode (default: any free port). */
  sshPort?: number;
  region?: string;
  /** The sandbox clock (ms since the epoch): policy conditions and instance statuses follow it. */
  clock?: () => number;
  /** Also accept this password for SSH logins. */
  sshPassword?: string;
  /** Make the hosts' sudo ask for this password (read from stdin with -S). */
  sudoPassword?: string;
}

export interface SandboxHost {
  name: string;
  address: string;
  port: number;
  user: string;
  privateKeyFile: string;
  class: 'ec2' | 'on-premises';
  /** The EC2 instance ID (EC2-class hosts only). */
  instanceId?: string;
  /** The host's root directory: agent files land under it. */
  root: string;
  home: string;
  /** `ssh-ed25519 AAAA…` */
  hostPublicKey: string;
  /** The host's IMDSv2 endpoint (EC2-class hosts only). */
  metadataEndpoint?: string;
}

export interface Sandbox {
  endpoint: string;
  region: string;
  /** The operator's key pair: documented TEST-ONLY values. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  accountId: string;
  /** The default stack, created at start, in `vpcId`. */
  stackId: string;
  vpcId: string;
  /** A custom layer in the default stack. */
  layerId: string;
  dir: string;
  hosts: SandboxHost[];
  /** known_hosts lines for every host (`[address]:port key`). */
  knownHostsFile: string;
  /** An AWS CLI config file (AWS_CONFIG_FILE) whose plugin sends every client, IAM too, to AWS_ENDPOINT_URL. */
  awsCliConfigFile: string;
  /** `export NAME=value` lines: AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_DEFAULT_REGION, RUNNER_SANDBOX_STACK_ID. */
  env(): string;
  envVars(): Record<string, string>;
  writeInventory(path: string): Promise<void>;
  /** The current fault knobs; assigning replaces them all. */
  faults: Faults;
  /** Merges knobs (each top-level key replaced as a whole). */
  setFaults(input: FaultsInput): Faults;
  state(): SandboxStateView;
  /** Every command line the hosts ran (exec, shell lines, sudo argv, subsystems), oldest first. */
  commands(host?: string): CommandRecord[];
  /** Every AWS call, oldest first (at most the last 10,000). */
  calls(): CallRecord[];
  /** Every secret this sandbox handed out (CreateAccessKey's secret keys, CreateActivation's codes), deleted ones too, for tests that prove none leaked. */
  issuedSecrets(): string[];
  /** Drives an instance to a status now (e.g. `setup_failed`, `connection_lost`). */
  setInstanceStatus(instanceId: string, status: OpsWorksStatus): void;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

const COMMAND_LOG_LIMIT = 50_000;

function pem(key: import('node:crypto').KeyObject, type: 'private' | 'public'): string {
  return type === 'private'
    ? (key.export({ type: 'pkcs8', format: 'pem' }) as string)
    : (key.export({ type: 'spki', format: 'pem' }) as string);
}

function readOsRelease(): { Family: string; Name: string; Version: string } {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    const get = (k: string) => new RegExp(`^${k}="?([^"\\n]*)"?$`, 'm').exec(text)?.[1] ?? '';
    return {
      Family: get('ID_LIKE') || get('ID') || 'linux',
      Name: get('ID') || 'linux',
      Version: get('VERSION_ID'),
    };
  } catch {
    return { Family: 'linux', Name: 'linux', Version: '' };
  }
}

function clientKeyPair(dir: string): { privateKeyFile: string; publicKey: string } {
  const keyDir = join(dir, 'keys');
  mkdirSync(keyDir, { recursive: true, mode: 0o700 });
  const privateKeyFile = join(keyDir, 'id_ed25519');
  if (!existsSync(privateKeyFile) || !existsSync(`${privateKeyFile}.pub`)) {
    const pair = generateEd25519('runner-sandbox');
    writeFileSync(privateKeyFile, pair.private, { mode: 0o600 });
    writeFileSync(`${privateKeyFile}.pub`, `${pair.public}\n`, { mode: 0o644 });
  }
  return { privateKeyFile, publicKey: readFileSync(`${privateKeyFile}.pub`, 'utf8').trim() };
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const ownDir = options.dir === undefined;
  const dir = resolve(options.dir ?? mkdtempSync(join(tmpdir(), 'runner-sandbox-')));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const region = options.region ?? D.SANDBOX_REGION;
  const clock = options.clock ?? Date.now;
  const persisted = ownDir ? undefined : loadState(dir);
  const charlie = persisted
    ? createPrivateKey(persisted.meta.charliePrivateKey)
    : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const identity = persisted
    ? createPrivateKey(persisted.meta.identityPrivateKey)
    : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const meta: PersistedMeta = persisted?.meta ?? {
    stackId: uuid(),
    vpcId: newVpcId(),
    hosts: [],
    charliePrivateKey: pem(charlie, 'private'),
    identityPrivateKey: pem(identity, 'private'),
  };
  const faults = new FaultController(options.faults ?? {});
  const initialFaults = faults.get();
  let endpoint = '';
  let installer: Buffer = Buffer.alloc(0);
  /** Built once the endpoint is known (its config points the agent at it). */
  let ssmAgent: Buffer | undefined;
  const ctx: AwsContext = {
    state: persisted?.aws ?? emptyAwsState(),
    region,
    accountId: D.SANDBOX_ACCOUNT_ID,
    operator: {
      accessKeyId: D.SANDBOX_ACCESS_KEY_ID,
      secretAccessKey: D.SANDBOX_SECRET_ACCESS_KEY,
      arn: `arn:aws:iam::${D.SANDBOX_ACCOUNT_ID}:user/${D.OPERATOR_USER_NAME}`,
      userId: D.OPERATOR_USER_ID,
    },
    endpoint: () => endpoint,
    faults,
    clock,
    registrationDelayMs: options.registrationDelayMs ?? D.DEFAULT_REGISTRATION_DELAY_MS,
    ec2Hosts: () => [],
    sandboxHosts: () => [],
    installerBucket: D.INSTALLER_BUCKET,
    ssmAgentBucket: ssmAgentBucket(region),
    assetsBucket: D.ASSETS_BUCKET,
    installerKey: D.INSTALLER_KEY,
    installer: () => installer,
    charliePublicKey: pem(createPublicKey(charlie), 'public'),
    identityKeys: { privateKey: identity, publicKey: createPublicKey(identity) },
    instanceRole: {
      name: D.INSTANCE_ROLE_NAME,
      arn: `arn:aws:iam::${D.SANDBOX_ACCOUNT_ID}:role/${D.INSTANCE_ROLE_NAME}`,
    },
    reportedOs: readOsRelease(),
    calls: [],
    issuedSecrets: [],
  };

  const seed = (state: AwsState) => {
    // State files written before the sandbox spoke SSM have no SSM part.
    state.ssm ??= { activations: {}, nodes: {} };
    if (!state.stacks[meta.stackId]) {
      newStack(ctx, {
        StackId: meta.stackId,
        Name: D.DEFAULT_STACK_NAME,
        Region: region,
        VpcId: meta.vpcId,
        ServiceRoleArn: `arn:aws:iam::${D.SANDBOX_ACCOUNT_ID}:role/aws-opsworks-service-role`,
        DefaultInstanceProfileArn: `arn:aws:iam::${D.SANDBOX_ACCOUNT_ID}:instance-profile/${D.INSTANCE_ROLE_NAME}`,
      });
    }
    if (
      !Object.values(state.layers).some(
        (l) => l.StackId === meta.stackId && l.Shortname === D.DEFAULT_LAYER_NAME,
      )
    ) {
      const id = uuid();
      state.layers[id] = {
        LayerId: id,
        StackId: meta.stackId,
        Arn: `arn:aws:opsworks:${region}:${D.SANDBOX_ACCOUNT_ID}:layer/${id}`,
        Type: 'custom',
        Name: D.DEFAULT_LAYER_NAME,
        Shortname: D.DEFAULT_LAYER_NAME,
        CreatedAt: new Date(clock()).toISOString(),
      };
    }
    for (const b of [D.INSTALLER_BUCKET, D.ASSETS_BUCKET]) {
      state.buckets[b] ??= { createdAt: new Date(clock()).toISOString(), objects: {} };
    }
    state.buckets[D.INSTALLER_BUCKET].objects[D.INSTALLER_KEY] = objectOf(installer);
    if (ssmAgent) {
      state.buckets[ctx.ssmAgentBucket] ??= { createdAt: new Date(clock()).toISOString(), objects: {} };
      const bucket = state.buckets[ctx.ssmAgentBucket];
      for (const key of SSM_AGENT_KEYS) bucket.objects[key] = objectOf(ssmAgent);
    }
  };
  const objectOf = (body: Buffer) => ({
    body: body.toString('base64'),
    etag: `"${createHash('md5').update(body).digest('hex')}"`,
    contentType: 'application/x-gzip',
    lastModified: new Date(clock()).toISOString(),
  });

  installer = await buildInstaller();
  seed(ctx.state);

  const commandLog: CommandRecord[] = [];
  const { privateKeyFile, publicKey } = clientKeyPair(dir);
  const user = userInfo().username;

  let persist = () => {};
  const server = await startAwsServer(
    ctx,
    {
      admin: (req, path, body) => handleAdmin(adminTarget, req, path, body),
      mutated: () => persist(),
    },
    '127.0.0.1',
    options.port ?? 0,
  );
  endpoint = server.url;
  ssmAgent = await buildSsmAgentPackage(endpoint);
  seed(ctx.state);

  let fleet: Awaited<ReturnType<typeof startFleet>>;
  try {
    fleet = await startFleet({
      count: options.hosts ?? D.DEFAULT_HOSTS,
      ec2Share: options.ec2Share ?? D.DEFAULT_EC2_SHARE,
      bindAddress: options.bindAddress,
      sshPort: options.sshPort,
      dir,
      user,
      clientPublicKey: publicKey,
      sshPassword: options.sshPassword,
      sudoPassword: options.sudoPassword,
      persisted: meta.hosts,
      vpcId: meta.vpcId,
      ctx,
      record: (c) => {
        commandLog.push(c);
        if (commandLog.length > COMMAND_LOG_LIMIT)
          commandLog.splice(0, commandLog.length - COMMAND_LOG_LIMIT);
      },
      onStateChange: () => persist(),
    });
  } catch (error) {
    await server.close();
    throw error;
  }
  const ec2 = fleet.hosts.flatMap((h) => (h.ec2 ? [h.ec2] : []));
  ctx.ec2Hosts = () => ec2;
  ctx.sandboxHosts = () =>
    fleet.hosts.map((h) => ({
      name: h.name,
      address: h.address,
      root: h.root,
      up: h.ssh.listening && !h.ssh.gone,
    }));
  meta.hosts = fleet.hosts.map((h) => ({
    name: h.name,
    hostKey: h.hostPrivateKey,
    ...(h.instanceId ? { instanceId: h.instanceId } : {}),
  }));
  persist = ownDir ? () => {} : () => saveState(dir, { version: 1, meta, aws: ctx.state });
  persist();
  faults.onChange(() => {
    void fleet.applyFaults();
  });

  const knownHostsFile = join(dir, 'known_hosts');
  writeFileSync(
    knownHostsFile,
    fleet.hosts.map((h) => `[${h.address}]:${h.port} ${h.hostPublicKey}\n`).join(''),
    { mode: 0o644 },
  );
  const awsCliConfigFile = join(dir, 'aws-cli-config');
  writeAwsCliConfig(awsCliConfigFile, region);
  const hosts: SandboxHost[] = fleet.hosts.map((h) => ({
    name: h.name,
    address: h.address,
    port: h.port,
    user,
    privateKeyFile,
    class: h.class,
    ...(h.instanceId ? { instanceId: h.instanceId } : {}),
    root: h.root,
    home: h.home,
    hostPublicKey: h.hostPublicKey,
    ...(h.imds ? { metadataEndpoint: h.imds.url } : {}),
  }));
  const defaultLayer = Object.values(ctx.state.layers).find(
    (l) => l.StackId === meta.stackId && l.Shortname === D.DEFAULT_LAYER_NAME,
  );

  const envVars = (): Record<string, string> => ({
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: D.SANDBOX_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: D.SANDBOX_SECRET_ACCESS_KEY,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    RUNNER_SANDBOX_STACK_ID: meta.stackId,
  });

  const commands = (host?: string): CommandRecord[] => {
    const sudo: CommandRecord[] = [];
    for (const h of fleet.hosts) {
      if (host !== undefined && h.name !== host) continue;
      const log = join(h.root, '.sandbox', 'sudo.log');
      if (!existsSync(log)) continue;
      for (const line of readFileSync(log, 'utf8').split('\n')) {
        if (line) sudo.push({ host: h.name, kind: 'sudo', command: line, at: '' });
      }
    }
    return [...commandLog.filter((c) => host === undefined || c.host === host), ...sudo];
  };

  const resetHostRoots = () => {
    for (const h of fleet.hosts) {
      for (const entry of readdirSync(h.root)) {
        if (entry === '.sandbox') {
          rmSync(join(h.root, '.sandbox', 'sudo.log'), { force: true });
          continue;
        }
        rmSync(join(h.root, entry), { recursive: true, force: true });
      }
      mkdirSync(h.home, { recursive: true });
      mkdirSync(join(h.root, 'tmp'), { recursive: true });
    }
  };

  let stopped = false;
  const sandbox: Sandbox = {
    endpoint,
    region,
    credentials: { accessKeyId: D.SANDBOX_ACCESS_KEY_ID, secretAccessKey: D.SANDBOX_SECRET_ACCESS_KEY },
    accountId: D.SANDBOX_ACCOUNT_ID,
    stackId: meta.stackId,
    vpcId: meta.vpcId,
    layerId: defaultLayer?.LayerId ?? '',
    dir,
    hosts,
    knownHostsFile,
    awsCliConfigFile,
    env: () => envLines(envVars()),
    envVars,
    writeInventory: (path) =>
      writeInventoryFile(
        path,
        inventoryYaml(hosts, { stackId: meta.stackId, endpoint, region, knownHostsFile }),
      ),
    get faults() {
      return faults.get();
    },
    set faults(value: Faults) {
      faults.replace(value);
    },
    setFaults: (input) => faults.set(input),
    state: () =>
      stateView(
        ctx,
        fleet.hosts.map((h) => ({
          name: h.name,
          address: h.address,
          port: h.port,
          class: h.class,
          ...(h.instanceId ? { instanceId: h.instanceId } : {}),
          up: h.ssh.listening,
          gone: h.ssh.gone,
        })),
        commands().length,
      ),
    commands,
    calls: () => structuredClone(ctx.calls),
    issuedSecrets: () => [...ctx.issuedSecrets],
    setInstanceStatus(instanceId, status) {
      const instance = ctx.state.instances[instanceId];
      if (!instance) throw new Error(`no instance ${instanceId} in the sandbox`);
      schedule(instance, clock(), [[status, 0]]);
      persist();
    },
    async reset() {
      ctx.state = emptyAwsState();
      seed(ctx.state);
      const layer = Object.values(ctx.state.layers).find((l) => l.StackId === meta.stackId);
      if (layer) sandbox.layerId = layer.LayerId;
      ctx.calls.length = 0;
      commandLog.length = 0;
      faults.replace(initialFaults);
      resetHostRoots();
      persist();
      await fleet.applyFaults();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      persist();
      await Promise.all([server.close(), fleet.close()]);
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
  const adminTarget = {
    state: () => sandbox.state(),
    faults: () => faults.get(),
    setFaults: (input: FaultsInput) => faults.set(input),
    reset: () => sandbox.reset(),
    commands: () => commands(),
    calls: () => sandbox.calls(),
    env: () => sandbox.env(),
    setInstanceStatus: (id: string, status: OpsWorksStatus) => sandbox.setInstanceStatus(id, status),
  };
  return sandbox;
}
