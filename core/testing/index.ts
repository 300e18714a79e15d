/**
 * `<package>/testing`: run your plugin's modules and playbooks from your own
 * tests (vitest, node:test, …), through the same engine as `runner play`:
 * against in-memory hosts whose answers you script, against this machine
 * (`ansible_connection: local`), or against the embedded sandbox (an
 * OpsWorks-compatible AWS endpoint and SSH hosts on loopback).
 */

export type { Sandbox, SandboxHost, SandboxOptions } from '../../sandbox/index.js';
export { PlayStore } from '../plugin/play-state.js';
export type {
  MemoryConnectionKind,
  MemoryConnectionOptions,
  MemoryRecord,
  Responder,
} from './memory-connection.js';
export { memoryConnection } from './memory-connection.js';
export type { ModuleRun, RunModuleOptions } from './run-module.js';
export { runModule } from './run-module.js';
export type { TestPlaybookOptions, TestPlaybookRun } from './run-playbook.js';
export { runTestPlaybook } from './run-playbook.js';

/** Starts the embedded sandbox (loaded only when called); `stop()` it in afterAll. */
export async function startSandbox(
  options?: import('../../sandbox/index.js').SandboxOptions,
): Promise<import('../../sandbox/index.js').Sandbox> {
  const { startSandbox: start } = await import('../../sandbox/index.js');
  return start(options);
}
