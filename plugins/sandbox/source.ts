import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { RunnerError } from '../../core/errors.js';
import {
  addChild,
  addGroup,
  addHost,
  type InventoryData,
  type InventorySourceContext,
  type InventorySourcePlugin,
  loadYamlOrJson,
  setGroupVar,
  setHostVar,
  toPlain,
} from '../../core/inventory/index.js';
import type { Sandbox } from '../../sandbox/index.js';
import { acceptsSandboxInventory } from './accepts.js';

/**
 * `plugin: runner_sandbox`: an inventory that starts the sandbox inside the
 * run (no second terminal): an OpsWorks/IAM/S3/EC2 endpoint and a fleet of
 * loopback SSH hosts, with state, keys and host roots kept in `dir` between
 * runs (so a second run sees what the first registered). The run's AWS SDK
 * clients are pointed at it (AWS_ENDPOINT_URL and the sandbox's TEST-ONLY
 * operator key, set in this process only), the hosts land in the groups
 * `on_premises` and `ec2`, and `opsworks_stack_id` is the sandbox's stack.
 * The sandbox stops when the run's last play ends.
 *
 *   # demo.sandbox.yml
 *   plugin: runner_sandbox
 *   dir: .runner-sandbox
 *   hosts: 6
 */

const configSchema = z
  .object({
    plugin: z.literal('runner_sandbox'),
    dir: z.string().min(1).default('.runner-sandbox'),
    hosts: z.number().int().min(1).max(500).default(4),
    ec2_share: z.number().min(0).max(1).default(0.5),
    registration_delay_ms: z.number().int().min(0).max(600_000).optional(),
    vars: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export type SandboxInventoryConfig = z.infer<typeof configSchema>;

/** Sandboxes this process started, by directory; stopped once no play needs them. */
const running = new Map<string, { sandbox: Sandbox; timer?: NodeJS.Timeout }>();

/** Idle grace: long enough for the next play's beforePlay, short enough not to hold `runner inventory`. */
const IDLE_AFTER_LOAD_MS = 5_000;
const IDLE_AFTER_PLAY_MS = 500;

function armStop(dir: string, ms: number): void {
  const entry = running.get(dir);
  if (!entry) return;
  clearTimeout(entry.timer);
  entry.timer = setTimeout(() => {
    running.delete(dir);
    void entry.sandbox.stop();
  }, ms);
}

export function keepSandboxes(): void {
  for (const entry of running.values()) clearTimeout(entry.timer);
}

export function releaseSandboxes(): void {
  for (const dir of running.keys()) armStop(dir, IDLE_AFTER_PLAY_MS);
}

export async function stopSandboxes(): Promise<void> {
  const entries = [...running.values()];
  running.clear();
  for (const e of entries) clearTimeout(e.timer);
  await Promise.all(entries.map((e) => e.sandbox.stop()));
}

export function readSandboxConfig(text: string, path: string): SandboxInventoryConfig {
  const parsed = configSchema.safeParse(toPlain(loadYamlOrJson(text, path).value));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RunnerError(
      'INVENTORY_INVALID',
      `${issue.path.join('.') || 'config'}: ${issue.message} (runner_sandbox inventory)`,
      { file: path },
    );
  }
  return parsed.data;
}

async function start(config: SandboxInventoryConfig, dir: string): Promise<Sandbox> {
  const existing = running.get(dir);
  if (existing) return existing.sandbox;
  // Imported lazily: only runs that use a sandbox inventory load the sandbox.
  const { startSandbox } = await import('../../sandbox/index.js');
  const sandbox = await startSandbox({
    dir,
    hosts: config.hosts,
    ec2Share: config.ec2_share,
    ...(config.registration_delay_ms !== undefined
      ? { registrationDelayMs: config.registration_delay_ms }
      : {}),
  });
  running.set(dir, { sandbox });
  return sandbox;
}

export const sandboxInventorySource: InventorySourcePlugin = {
  name: 'runner_sandbox',
  fileNames: 'sandbox.yml, sandbox.yaml, *.sandbox.yml or *.sandbox.yaml',
  accepts: acceptsSandboxInventory,
  async load(path: string, into: InventoryData, ctx: InventorySourceContext): Promise<void> {
    const config = readSandboxConfig(await readFile(path, 'utf8'), path);
    const dir = isAbsolute(config.dir) ? config.dir : resolve(ctx.cwd, config.dir);
    const sb = await start(config, dir);
    // Its hosts' keys are its own: trust them for this run, so a key recorded for
    // the same address and port by an earlier sandbox never reads as "changed".
    ctx.trustKnownHosts?.(sb.knownHostsFile);
    // This process's SDK clients talk to the sandbox (the same as `eval "$(runner sandbox env)"`).
    Object.assign(process.env, sb.envVars(), { AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1' });
    addGroup(into, 'all');
    for (const [key, value] of Object.entries({
      opsworks_stack_id: sb.stackId,
      opsworks_os_updates: 'remind',
      // register --service ssm: the sandbox serves the agent as a tarball from its amazon-ssm-<region> bucket.
      ssm_agent_package: 'tarball',
      ssm_agent_url_base: `${sb.endpoint}/amazon-ssm-${sb.region}/latest`,
      ...config.vars,
    })) {
      setGroupVar(into, 'all', key, value);
    }
    for (const group of ['on_premises', 'ec2']) {
      addGroup(into, group);
      addChild(into, 'all', group);
    }
    for (const h of sb.hosts) {
      const group = h.class === 'ec2' ? 'ec2' : 'on_premises';
      addHost(into, h.name, group);
      const vars: Record<string, unknown> = {
        ansible_host: h.address,
        ansible_port: h.port,
        ansible_user: h.user,
        ansible_ssh_private_key_file: h.privateKeyFile,
        opsworks_infrastructure_class: h.class,
        ...(h.instanceId ? { ec2_instance_id: h.instanceId } : {}),
      };
      for (const [k, v] of Object.entries(vars)) setHostVar(into, h.name, k, v);
    }
    armStop(dir, IDLE_AFTER_LOAD_MS);
  },
};
