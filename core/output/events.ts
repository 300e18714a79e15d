/**
 * The one event stream the engine emits. Reporters (live, plain, NDJSON,
 * per-host log, test recorders) are fed these and nothing else. Every event is
 * plain JSON-serialisable data; secrets are redacted before a reporter sees it.
 */
export type TaskStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';
/** `interrupted`: the run was stopped (Ctrl-C) before the host finished; never counted as ok. */
export type HostStatus = 'ok' | 'failed' | 'unreachable' | 'skipped' | 'interrupted';

/**
 * What `--diff` shows for one file: its content (or, for `file`, its state as
 * JSON) before and after, as Ansible's modules return `diff`. `prepared` is a
 * line said instead of a diff (a binary or too large file).
 */
export interface FileDiff {
  before: string;
  after: string;
  beforeHeader?: string;
  afterHeader?: string;
  prepared?: string;
}

export interface TaskResult {
  host: string;
  task: string;
  module: string;
  status: TaskStatus;
  /** One line that says why, for failed/unreachable/skipped. */
  msg?: string;
  rc?: number | null;
  stdout?: string;
  stderr?: string;
  durationMs: number;
  /** Module-specific data (registered as the task's result). */
  data?: Record<string, unknown>;
  ignored?: boolean;
  /** Under --diff: how the module changed (or, with --check, would change) files. */
  diff?: FileDiff[];
}

export interface HostStats {
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
  unreachable: number;
  rescued: number;
  ignored: number;
}

export interface RecapRow extends HostStats {
  host: string;
  status: HostStatus;
  /** Why the host did not finish, when it did not. */
  msg?: string;
}

export interface Recap {
  hosts: RecapRow[];
  durationMs: number;
  /** Notices gathered from post-run checks, per host (e.g. the OS-update reminder). */
  notices: { host: string; check: string; message: string }[];
}

export type RunEvent =
  | { type: 'run.start'; time: string; playbook: string; hostCount: number; forks: number }
  | { type: 'play.start'; play: string; hosts: string[]; taskCount: number }
  | { type: 'phase'; phase: RunPhase }
  /** `path` is where the task is written (`file:line`), shown with -vv as Ansible's "task path". */
  | { type: 'task.start'; play: string; task: string; module: string; path?: string }
  /** A connection is being opened for a host (shown with -vvv). No secret is part of it. */
  | {
      type: 'host.connect';
      host: string;
      connection: string;
      address: string;
      port: number;
      user?: string;
    }
  | { type: 'host.task.start'; host: string; task: string }
  | { type: 'host.task.result'; result: TaskResult }
  | { type: 'host.output'; host: string; task: string; stream: 'stdout' | 'stderr'; text: string }
  /** Exactly one per host per run: the host's final state. */
  | { type: 'host.done'; host: string; status: HostStatus; stats: HostStats; msg?: string }
  | { type: 'notice'; host?: string; check: string; message: string }
  | { type: 'warning'; message: string; host?: string; file?: string }
  /** Ctrl-C: `stop` (no new tasks) or `kill` (running commands killed), so every view can say so at once. */
  | { type: 'run.interrupt'; stage: 'stop' | 'kill' }
  | { type: 'play.end'; play: string }
  | { type: 'run.end'; recap: Recap; exitCode: number };

export type RunPhase = 'setup' | 'connect' | 'preflight' | 'execute' | 'post-setup' | 'disconnect';

export interface Reporter {
  onEvent(event: RunEvent): void;
  /** Flushes and releases resources; awaited before the process exits. */
  close?(): Promise<void> | void;
}
