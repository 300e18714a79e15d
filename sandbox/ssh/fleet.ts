import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AwsContext, CommandRecord, Ec2Host } from '../aws/context.js';
import { ec2InstanceId } from '../ids.js';
import { type ImdsServer, startImds } from '../imds/server.js';
import type { PersistedHost } from '../state/persist.js';
import { parsePublicKey, SandboxSshHost } from './host.js';
import { generateEd25519 } from './keys.js';
import { writeShims } from './shims.js';

/**
 * The fleet: N hosts, each on its own 127.0.x.y at one shared port (or on
 * distinct ports of one address when `bindAddress` is given), a share of them
 * EC2-class with an instance ID, a metadata service and an EC2 API entry.
 */
export interface FleetHost {
  name: string;
  address: string;
  port: number;
  class: 'ec2' | 'on-premises';
  instanceId?: string;
  root: string;
  home: string;
  /** `ssh-ed25519 AAAA…` */
  hostPublicKey: string;
  hostPrivateKey: string;
  ec2?: Ec2Host;
  imds?: ImdsServer;
  ssh: SandboxSshHost;
}

export interface FleetOptions {
  count: number;
  ec2Share: number;
  bindAddress?: string;
  sshPort?: number;
  dir: string;
  user: string;
  clientPublicKey: string;
  sshPassword?: string;
  sudoPassword?: string;
  persisted: PersistedHost[];
  vpcId: string;
  ctx: AwsContext;
  record: (command: CommandRecord) => void;
  onStateChange: () => void;
}

export function hostName(index: number, count: number): string {
  return `sandbox-${String(index + 1).padStart(Math.max(3, String(count).length), '0')}`;
}

/** host i -> 127.0.(1 + i / 254).(1 + i % 254): never 127.0.0.x, never .0 or .255. */
export function hostAddress(index: number): string {
  return `127.0.${1 + Math.floor(index / 254)}.${1 + (index % 254)}`;
}

/** Spreads EC2-class hosts evenly: with a share of 0.5 every second host is EC2. */
export function isEc2(index: number, share: number): boolean {
  return Math.floor((index + 1) * share) > Math.floor(index * share);
}

export interface Fleet {
  hosts: FleetHost[];
  /** Applies hostsDown after a fault change: stops or restarts listeners. */
  applyFaults(): Promise<void>;
  close(): Promise<void>;
}

export async function startFleet(opts: FleetOptions): Promise<Fleet> {
  const shimDir = join(opts.dir, 'bin');
  writeShims(shimDir);
  const authorizedKey = parsePublicKey(opts.clientPublicKey);
  const known = new Map(opts.persisted.map((h) => [h.name, h]));
  const hosts: FleetHost[] = [];
  for (let i = 0; i < opts.count; i++) {
    const name = hostName(i, opts.count);
    const previous = known.get(name);
    const ec2 = isEc2(i, opts.ec2Share);
    const address = opts.bindAddress ?? hostAddress(i);
    const hostPrivateKey = previous?.hostKey ?? generateEd25519().private;
    const parsed = parsePublicKey(hostPrivateKey);
    const hostPublicKey = `${parsed.type} ${parsed.getPublicSSH().toString('base64')}`;
    const root = join(opts.dir, 'hosts', name);
    const home = join(root, 'home', opts.user);
    for (const d of [home, join(root, 'tmp'), join(root, '.sandbox')])
      mkdirSync(d, { recursive: true, mode: 0o755 });
    const passwordFile = join(root, '.sandbox', 'sudo-password.sha256');
    if (opts.sudoPassword !== undefined) {
      writeFileSync(passwordFile, createHash('sha256').update(opts.sudoPassword).digest('hex'), {
        mode: 0o600,
      });
    } else {
      rmSync(passwordFile, { force: true });
    }
    const instanceId = ec2 ? (previous?.instanceId ?? ec2InstanceId()) : undefined;
    const ec2Host: Ec2Host | undefined = instanceId
      ? {
          name,
          instanceId,
          vpcId: opts.vpcId,
          subnetId: `subnet-0${createHash('sha1').update(opts.vpcId).digest('hex').slice(0, 16)}`,
          availabilityZone: `${opts.ctx.region}a`,
          privateIp: `172.31.${1 + Math.floor(i / 254)}.${1 + (i % 254)}`,
          publicIp: address,
          launchTime: new Date(opts.ctx.clock()).toISOString(),
        }
      : undefined;
    const imds = ec2Host ? await startImds(opts.ctx, ec2Host, address, opts.onStateChange) : undefined;
    const env: Record<string, string> = {
      HOME: home,
      USER: opts.user,
      LOGNAME: opts.user,
      SHELL: '/bin/sh',
      LANG: 'C.UTF-8',
      PATH: [
        shimDir,
        // What packages install on this host (the SSM agent's amazon-ssm-agent).
        join(root, 'usr', 'bin'),
        dirname(process.execPath),
        '/usr/local/sbin',
        '/usr/local/bin',
        '/usr/sbin',
        '/usr/bin',
        '/sbin',
        '/bin',
      ].join(':'),
      TMPDIR: join(root, 'tmp'),
      RUNNER_SANDBOX_ROOT: root,
      RUNNER_SANDBOX_HOSTNAME: name,
      RUNNER_SANDBOX_ADDRESS: address,
      RUNNER_SANDBOX_HOST_CLASS: ec2 ? 'ec2' : 'on-premises',
      RUNNER_SANDBOX_NODE: process.execPath,
      ...(imds ? { AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url } : {}),
    };
    const ssh = new SandboxSshHost({
      name,
      address,
      user: opts.user,
      home,
      hostKey: hostPrivateKey,
      authorizedKey,
      password: opts.sshPassword,
      env,
      faults: opts.ctx.faults,
      record: opts.record,
    });
    hosts.push({
      name,
      address,
      port: 0,
      class: ec2 ? 'ec2' : 'on-premises',
      ...(instanceId ? { instanceId } : {}),
      root,
      home,
      hostPublicKey,
      hostPrivateKey,
      ...(ec2Host ? { ec2: ec2Host } : {}),
      ...(imds ? { imds } : {}),
      ssh,
    });
  }
  await listenAll(hosts, opts);
  let applying = Promise.resolve();
  return {
    hosts,
    applyFaults() {
      applying = applying.then(async () => {
        for (const h of hosts) {
          const down = opts.ctx.faults.hostDown(h.name);
          if (down && h.ssh.listening) await h.ssh.close();
          else if (!down && !h.ssh.listening) await h.ssh.listen(h.port);
          h.ssh.applyFaults();
        }
      });
      return applying;
    },
    async close() {
      await applying.catch(() => {});
      await Promise.all(hosts.map(async (h) => Promise.all([h.ssh.close(), h.imds?.close()])));
    },
  };
}

/**
 * One port for every address: the first host picks a free port, the others
 * take it on their own address; if any address has it taken (another sandbox
 * in a parallel test worker), everything is closed and a new port is tried.
 */
async function listenAll(hosts: FleetHost[], opts: FleetOptions): Promise<void> {
  if (hosts.length === 0) return;
  if (opts.bindAddress !== undefined) {
    for (const h of hosts) h.port = await h.ssh.listen(0);
    return;
  }
  for (let attempt = 0; ; attempt++) {
    try {
      const port = await hosts[0].ssh.listen(attempt === 0 ? (opts.sshPort ?? 0) : 0);
      for (const h of hosts.slice(1)) await h.ssh.listen(port);
      for (const h of hosts) h.port = port;
      break;
    } catch (error) {
      await Promise.all(hosts.map((h) => h.ssh.close()));
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 10) throw error;
    }
  }
  for (const h of hosts) if (opts.ctx.faults.hostDown(h.name)) await h.ssh.close();
}
