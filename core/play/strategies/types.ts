import type { RunPhase } from '../../output/events.js';
import type { HostState } from '../host-state.js';
import type { TaskDefinition } from '../model.js';

/** The tasks of one run phase of a play (connect: facts; preflight and post-setup: checks; execute: the play's). */
export interface PhaseTasks {
  phase: RunPhase;
  tasks: TaskDefinition[];
}

/** What a strategy may do; everything else (results, stats, break rules' effects) stays with the play. */
export interface StrategyContext {
  forks: number;
  signal: AbortSignal;
  /** Runs one task on one host; the host's `final` is set when it must stop. */
  runTask(host: HostState, task: TaskDefinition): Promise<void>;
  /** Says a phase has begun (emitted once per play batch, however many hosts enter it). */
  enterPhase(phase: RunPhase): void;
  /** Says a task starts on the hosts still in play (linear's TASK [..] header). */
  taskStart(task: TaskDefinition): void;
  /** After a task some host failed: stops the batch's remaining hosts when a break rule holds; true when it did. */
  breakAfterTask(batch: HostState[]): boolean;
}

/**
 * How the hosts of one serial batch go through a play's phases. A new one is
 * a file exporting a Strategy and one entry in strategies/index.ts.
 */
export interface Strategy {
  readonly name: string;
  run(batch: HostState[], phases: PhaseTasks[], ctx: StrategyContext): Promise<void>;
}
