/**
 * The register playbook on 10,000 (and 1,000) simulated hosts, all in this
 * process: no SSH, no host processes, so what it costs is the controller's
 * own work per host (engine, register modules, AWS SDK clients) plus two
 * stand-ins that stay small:
 *   - an in-process connection kind ("sim") that answers the commands the
 *     register steps send, as a sandbox host would (facts, state probe, temp
 *     dir, installer fetch, preconfig put, boot-registration), and for
 *     boot-registration calls RegisterInstance itself with the preconfig's IAM
 *     key, as the agent does (one shared RSA key: no per-host key generation);
 *   - the sandbox's AWS endpoint, started in this process with no SSH hosts
 *     (OpsWorks, IAM, S3, STS, SigV4-verified), as the real run's AWS.
 * Reported: wall, CPU (user+sys of this process: engine + stand-ins + AWS
 * endpoint) per host, peak RSS, load before/after, and every host checked
 * (one registered instance and one IAM user per host).
 * The IAM budget is raised with the run scope's apiRate (`--api-rate`; the
 * default is 8 IAM calls/s, which alone would take 10,000 hosts over an hour).
 *   npm run bench:register   (after the real fleet)    or   tsx bench/register-sim.ts
 *   [BENCH_SIM_SIZES=1000,10000] [BENCH_FORKS=200] [BENCH_API_RATE=2000]
 * Each size is stopped at BENCH_SIM_CAP_S (30 minutes). Not a test: it prints and asserts nothing.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, hostname as osHostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { OpsWorksClient, RegisterInstanceCommand } from '@aws-sdk/client-opsworks';
import { builtinPlugins } from '../core/builtins.js';
import type { Connection, ConnectionFactory, ExecResult } from '../core/connection/types.js';
import {
  addChild,
  addGroup,
  addHost,
  createInventoryData,
  setGroupVar,
  setHostVar,
} from '../core/inventory/data.js';
import { Inventory } from '../core/inventory/model.js';
import { selectHosts } from '../core/inventory/patterns.js';
import { EventHub } from '../core/output/emitter.js';
import type { RunEvent } from '../core/output/events.js';
import { runPlaybook } from '../core/play/executor.js';
import { resolvePlaybook } from '../core/play/resolve-playbook.js';
import { PluginRegistry } from '../core/plugin/registry.js';
import { startSandbox } from '../sandbox/index.js';

const SIZES = (process.env.BENCH_SIM_SIZES ?? '1000,10000').split(',').map(Number);
const FORKS = Number(process.env.BENCH_FORKS ?? 200);
const API_RATE = Number(process.env.BENCH_API_RATE ?? 2000);
/** Each size is stopped past this (BENCH_SIM_CAP_S, default 30 minutes). */
const CAP_MS = Number(process.env.BENCH_SIM_CAP_S ?? 1800) * 1000;

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function text(content: string | Buffer | Readable): Promise<string> {
  if (typeof content === 'string' || Buffer.isBuffer(content)) return content.toString();
  const chunks: Buffer[] = [];
  for await (const chunk of content) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString();
}

/** `:key: <json>` lines, as the agent's preconfig holds them. */
function readPreconfig(content: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const line of content.split('\n')) {
    const m = /^:([a-z0-9_]+): (.*)$/.exec(line);
    if (m) out[m[1]!] = JSON.parse(m[2]!);
  }
  return out;
}

interface SimHosts {
  factory: ConnectionFactory;
  /** Commands nothing here recognised (answered with success and no output), first few. */
  unknown: string[];
}

/**
 * The sim connection kind. Per host it keeps only the preconfig put on it,
 * until boot-registration reads it. The facts probe runs once on this
 * machine (one process for the whole run) and every host answers its output
 * with its own name.
 */
function simHosts(region: string): SimHosts {
  const preconfigs = new Map<string, string>();
  const unknown: string[] = [];
  let facts: string | undefined;
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rsaPublicKey = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const localName = osHostname();

  async function respond(host: string, command: string): Promise<Partial<ExecResult>> {
    if (command.includes("'@@hostname'") || command.includes('@@hostname')) {
      facts ??= execFileSync('sh', ['-c', command], { encoding: 'utf8' });
      return { stdout: facts.split(localName).join(host) };
    }
    if (command.includes('for c in curl tar sudo')) return {};
    if (command.includes('libyaml-0')) return { stdout: 'yes\n' };
    if (command.includes('--range 0-0')) return { stdout: '200' };
    if (command.includes('instance-agent.yml')) return { stdout: '@@absent\n' };
    const dir = /d="\$\{TMPDIR:-\/tmp\}\/(opsworks-register\.[A-Za-z0-9]+)"/.exec(command);
    if (dir) return { stdout: `/tmp/${dir[1]}\n` };
    if (command.includes('tar -xzf opsworks-agent-installer.tgz')) return {};
    if (command.startsWith('mv -f ') || command.includes('mv -f ')) return {};
    if (command.includes('boot-registration')) {
      const config = readPreconfig(preconfigs.get(host) ?? '');
      preconfigs.delete(host);
      const client = new OpsWorksClient({
        region: String(config.ops_works_region ?? region),
        endpoint: `http://${config.ops_works_endpoint}:${config.ops_works_port}`,
        credentials: {
          accessKeyId: String(config.access_key_id),
          secretAccessKey: String(config.secret_access_key),
        },
      });
      try {
        const result = await client.send(
          new RegisterInstanceCommand({
            StackId: String(config.stack_id),
            Hostname: String(config.hostname ?? host),
            RsaPublicKey: rsaPublicKey,
          }),
        );
        return { stdout: `Instance successfully registered. Instance ID: ${result.InstanceId}\n` };
      } catch (error) {
        return { exitCode: 1, stderr: `Registration failed: ${(error as Error).message}\n` };
      } finally {
        client.destroy();
      }
    }
    if (command.includes('cat /etc/hosts')) return { stdout: '127.0.0.1 localhost\n' };
    if (unknown.length < 20) unknown.push(command.slice(0, 200));
    return {};
  }

  const create = (spec: { host: string }): Connection => ({
    kind: 'sim',
    host: spec.host,
    capabilities: { sftp: false, persistentShell: false, become: true },
    async connect() {},
    async exec(command) {
      const out = await respond(spec.host, command);
      return { exitCode: 0, stdout: '', stderr: '', durationMs: 0, timedOut: false, ...out };
    },
    async put(content, path) {
      const body = await text(content);
      if (path.includes('preconfig')) preconfigs.set(spec.host, body);
    },
    async close() {},
  });
  return { factory: { kind: 'sim', create }, unknown };
}

function simInventory(n: number): Inventory {
  const data = createInventoryData();
  addGroup(data, 'on_premises');
  addChild(data, 'all', 'on_premises');
  for (let i = 0; i < n; i++) {
    const name = `sim-${String(i + 1).padStart(5, '0')}`;
    addHost(data, name, 'on_premises');
    // A distinct private address per host, as a real fleet has.
    setHostVar(data, name, 'ansible_host', `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
  }
  setGroupVar(data, 'on_premises', 'ansible_connection', 'sim');
  setGroupVar(data, 'on_premises', 'opsworks_infrastructure_class', 'on-premises');
  return new Inventory(data);
}

async function runSize(n: number): Promise<void> {
  const sb = await startSandbox({ hosts: 0 });
  const journal = mkdtempSync(join(tmpdir(), 'runner-bench-journal-'));
  Object.assign(process.env, sb.envVars(), {
    RUNNER_JOURNAL_DIR: journal,
    AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1',
  });
  try {
    const sim = simHosts(sb.region);
    const registry = new PluginRegistry();
    for (const plugin of await builtinPlugins()) registry.register(plugin);
    registry.register({ name: 'bench-sim', connections: [sim.factory] });
    const playbook = await resolvePlaybook('register', registry, process.cwd());
    const inventory = simInventory(n);
    const statuses = new Map<string, number>();
    const failures: string[] = [];
    // Counts, keeps nothing else: a recording reporter would hold every event of 10,000 hosts.
    const hub = new EventHub([
      {
        onEvent(event: RunEvent) {
          if (event.type !== 'host.done') return;
          statuses.set(event.status, (statuses.get(event.status) ?? 0) + 1);
          if (event.status !== 'ok' && failures.length < 3)
            failures.push(`${event.host}: ${event.msg ?? ''}`);
        },
      },
    ]);
    global.gc?.();
    const loadBefore = load();
    const rssBase = process.memoryUsage().rss;
    let peakRss = rssBase;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }, 250);
    const cpu = process.cpuUsage();
    const started = performance.now();
    const abort = new AbortController();
    const cap = setTimeout(() => abort.abort(), CAP_MS);
    let exitCode: number | string;
    try {
      const outcome = await runPlaybook({
        playbook,
        registry,
        inventory,
        selectHosts: (pattern) => selectHosts(inventory, pattern, { cwd: process.cwd() }),
        forks: FORKS,
        extraVars: { opsworks_stack_id: sb.stackId, opsworks_os_updates: 'remind' },
        connection: {},
        scope: { apiRate: API_RATE },
        emit: hub.emit,
        signal: abort.signal,
      });
      exitCode = outcome.exitCode;
    } catch (error) {
      exitCode = `threw: ${(error as Error).message}`;
    } finally {
      clearTimeout(cap);
      await hub.close();
    }
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    const cpuMs = (used.user + used.system) / 1000;
    const state = sb.state();
    const registered = state.instances.filter((i) => i.StackId === sb.stackId && i.Status === 'registered');
    const hostnames = new Set(registered.map((i) => i.Hostname));
    console.log(
      `sim ${n} hosts, -f ${FORKS}, api rate ${API_RATE}/s: wall ${(wallMs / 1000).toFixed(1)} s, ` +
        `cpu ${(cpuMs / 1000).toFixed(1)} s = ${(cpuMs / n).toFixed(2)} ms/host, ` +
        `peak rss ${(peakRss / 2 ** 20).toFixed(0)} MB (${(rssBase / 2 ** 20).toFixed(0)} MB before the run), exit ${exitCode}`,
    );
    console.log(
      `  verified: ${registered.length} registered instances (${hostnames.size} distinct hostnames), ` +
        `${state.iam.users.length} IAM users, host.done ${JSON.stringify(Object.fromEntries(statuses))}` +
        `${registered.length === n && hostnames.size === n ? '' : '  (INCOMPLETE)'}`,
    );
    for (const f of failures) console.log(`  failed: ${f}`);
    if (sim.unknown.length) console.log(`  commands answered by default: ${sim.unknown.join(' || ')}`);
    console.log(`  load before ${loadBefore}, after ${load()}`);
  } finally {
    await sb.stop();
    rmSync(journal, { recursive: true, force: true });
  }
}

console.log(`${new Date().toISOString()}  node ${process.version}  load: ${load()}`);
for (const n of SIZES) await runSize(n);
