import type { Connection } from '../connection/types.js';
import type { Vars } from '../inventory/types.js';
import type { HostStats, HostStatus } from '../output/events.js';
import type { TaskDefinition } from './model.js';
import type { TaskOutcome } from './run-task.js';

/** What the executor knows about one host during a run. */
export interface HostState {
  name: string;
  /** Inventory vars, merged in Ansible's precedence. */
  inventoryVars: Vars;
  /** Gathered facts (ansible_* names). */
  facts: Vars;
  /** set_fact and register results; they outrank play vars, as in Ansible. */
  hostFacts: Vars;
  stats: HostStats;
  /** Undefined while the host is still in the run. */
  final?: { status: Exclude<HostStatus, 'ok'>; msg: string };
  connection?: Connection;
  /**
   * Set when `connection` was closed before the run's disconnect phase (the
   * host had nothing left to run): that phase waits for it instead.
   */
  released?: Promise<void>;
  /** What `connection` was opened for (PlannedConnection.key), to reuse it only while it fits. */
  connectionKey?: string;
  /** Set once `host.done` was emitted: exactly one per host. */
  done: boolean;
  /**
   * Outcomes of this play's tasks that already ran in a batch (batch-plan.ts),
   * handed over when the strategy reaches each task; cleared when the play ends.
   */
  batched?: Map<TaskDefinition, TaskOutcome>;
}

export function newHostState(name: string, inventoryVars: Vars): HostState {
  return {
    name,
    inventoryVars,
    facts: {},
    hostFacts: {},
    stats: { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0, rescued: 0, ignored: 0 },
    done: false,
  };
}

/**
 * Vars a task sees, lowest first: inventory < facts < play vars < host facts
 * (set_fact, register) < task vars < extra vars (always win).
 */
export function taskVars(host: HostState, playVars: Vars, taskLevel: Vars, extraVars: Vars): Vars {
  return {
    ...host.inventoryVars,
    ...host.facts,
    ...playVars,
    ...host.hostFacts,
    ...taskLevel,
    ...extraVars,
    inventory_hostname: host.name,
    inventory_hostname_short: host.name.split('.')[0],
  };
}
