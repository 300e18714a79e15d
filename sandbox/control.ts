import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileNotFound, RunnerError } from '../core/errors.js';
import { parseEnvLines } from './env.js';
import { type Sandbox, type SandboxOptions, startSandbox } from './index.js';
import type { SandboxStateView } from './view.js';

/**
 * What the `runner sandbox` commands do, apart from argv parsing: start one in
 * the foreground with its files in a directory, and find a running one through
 * `<dir>/env` to ask its admin route for status or a reset.
 */
export { DEFAULT_SANDBOX_DIR } from './defaults.js';

export interface SandboxFiles {
  env: string;
  inventory: string;
  info: string;
}

export function sandboxFiles(dir: string): SandboxFiles {
  return { env: join(dir, 'env'), inventory: join(dir, 'inventory.yml'), info: join(dir, 'sandbox.json') };
}

/** Starts a sandbox and writes `<dir>/env`, `<dir>/inventory.yml` and `<dir>/sandbox.json` (pid, endpoint). */
export async function startInDir(dir: string, options: Omit<SandboxOptions, 'dir'>): Promise<Sandbox> {
  const abs = resolve(dir);
  const sb = await startSandbox({ ...options, dir: abs });
  const files = sandboxFiles(abs);
  writeFileSync(files.env, sb.env(), { mode: 0o600 });
  await sb.writeInventory(files.inventory);
  writeFileSync(
    files.info,
    `${JSON.stringify({ pid: process.pid, endpoint: sb.endpoint, stackId: sb.stackId }, null, 2)}\n`,
  );
  return sb;
}

/** Stops it and removes the pid file (env and inventory stay, for the next start). */
export async function stopInDir(sb: Sandbox): Promise<void> {
  await sb.stop();
  rmSync(sandboxFiles(sb.dir).info, { force: true });
}

/** The admin URL of the sandbox whose files are in `dir`. */
export function findSandbox(dir: string): string {
  const files = sandboxFiles(resolve(dir));
  if (!existsSync(files.env)) {
    throw fileNotFound(files.env, `sandbox env file (start one with \`runner sandbox start --dir ${dir}\`)`);
  }
  const endpoint = parseEnvLines(readFileSync(files.env, 'utf8')).AWS_ENDPOINT_URL;
  if (!endpoint) {
    throw new RunnerError('CONFIG_INVALID', `${files.env} has no AWS_ENDPOINT_URL line`, { file: files.env });
  }
  return `${endpoint.replace(/\/$/, '')}/__sandbox`;
}

async function admin(dir: string, path: string, init?: RequestInit): Promise<unknown> {
  const base = findSandbox(dir);
  let response: Response;
  try {
    response = await fetch(`${base}/${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch (cause) {
    throw new RunnerError(
      'CONNECT_REFUSED',
      `no sandbox answers at ${base} (from ${sandboxFiles(dir).env}): start one with \`runner sandbox start --dir ${dir}\``,
      { cause },
    );
  }
  const body = await response.json();
  if (!response.ok) {
    throw new RunnerError('INTERNAL', `the sandbox refused ${path}: ${JSON.stringify(body)}`);
  }
  return body;
}

export function sandboxStatus(dir: string): Promise<SandboxStateView> {
  return admin(dir, 'state') as Promise<SandboxStateView>;
}

export async function resetSandbox(dir: string): Promise<void> {
  await admin(dir, 'reset', { method: 'POST' });
}

/** A few lines a person reads: where it is, the stack, hosts up, instances by status, faults set. */
export function formatStatus(view: SandboxStateView): string {
  const up = view.hosts.filter((h) => h.up).length;
  const statuses = Object.entries(view.counts.instancesByStatus)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  const faults = Object.entries(view.faults)
    .filter(([, v]) =>
      Array.isArray(v)
        ? v.length > 0
        : v !== null && typeof v === 'object'
          ? Object.keys(v).length > 0
          : v === true,
    )
    .map(([k]) => k);
  return [
    `endpoint   ${view.endpoint} (${view.region})`,
    `stacks     ${view.stacks.map((s) => `${s.Name} ${s.StackId}`).join('; ')}`,
    `hosts      ${up}/${view.hosts.length} up (${view.hosts.filter((h) => h.class === 'ec2').length} ec2)`,
    `instances  ${view.instances.length}${statuses ? ` (${statuses})` : ''}`,
    `iam        ${view.iam.users.length} users, ${view.iam.groups.length} groups`,
    `faults     ${faults.length > 0 ? faults.join(', ') : 'none'}`,
    '',
  ].join('\n');
}
