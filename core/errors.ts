/**
 * One error type for everything the runner reports to a user. Each error has a
 * stable code (for scripts and tests), a one-line message that names what and
 * where, and keeps its cause. Factories live here so wording stays consistent.
 */
export type RunnerErrorCode =
  | 'USAGE'
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_INVALID'
  | 'FILE_NOT_FOUND'
  | 'YAML_SYNTAX'
  | 'INVENTORY_INVALID'
  | 'INVENTORY_CYCLE'
  | 'PATTERN_INVALID'
  | 'NO_HOSTS_MATCHED'
  | 'PLAYBOOK_INVALID'
  | 'UNKNOWN_MODULE'
  | 'MODULE_ARGS_INVALID'
  | 'TEMPLATE_ERROR'
  | 'PLUGIN_ERROR'
  | 'PLUGIN_NOT_FOUND'
  | 'IMPORT_FAILED'
  | 'CONNECTION_OPTIONS_INVALID'
  | 'CONNECT_TIMEOUT'
  | 'CONNECT_REFUSED'
  | 'CONNECT_FAILED'
  | 'AUTH_FAILED'
  | 'HOST_KEY_UNKNOWN'
  | 'HOST_KEY_CHANGED'
  | 'HOST_KEY_REVOKED'
  | 'CONNECTION_LOST'
  | 'COMMAND_TIMEOUT'
  | 'BECOME_FAILED'
  | 'TRANSFER_FAILED'
  | 'CANCELLED'
  | 'AWS_ERROR'
  /** `runner journal reconcile` could not settle every host a dead run left open. */
  | 'RECONCILE_INCOMPLETE'
  | 'INTERNAL';

export interface RunnerErrorOptions {
  /** The file the error is about, when there is one. */
  file?: string;
  /** 1-based line and column in `file`. */
  line?: number;
  column?: number;
  /** The host the error is about. */
  host?: string;
  /** Plugin and hook names for PLUGIN_ERROR. */
  plugin?: string;
  hook?: string;
  cause?: unknown;
}

export class RunnerError extends Error {
  override readonly name = 'RunnerError';
  readonly code: RunnerErrorCode;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly host?: string;
  readonly plugin?: string;
  readonly hook?: string;

  constructor(code: RunnerErrorCode, message: string, options: RunnerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
    this.host = options.host;
    this.plugin = options.plugin;
    this.hook = options.hook;
  }

  /** `file:line:col: message`, the one line a user sees. */
  oneLine(): string {
    const where = this.file
      ? `${this.file}${this.line ? `:${this.line}${this.column ? `:${this.column}` : ''}` : ''}: `
      : '';
    return `${where}${this.message}`.replace(/\s*\n\s*/g, ' ');
  }
}

export function isRunnerError(value: unknown): value is RunnerError {
  return value instanceof RunnerError;
}

/** Wraps anything thrown by plugin code so the user sees which plugin and hook. */
export function pluginError(plugin: string, hook: string, cause: unknown): RunnerError {
  if (isRunnerError(cause) && cause.code === 'PLUGIN_ERROR') return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new RunnerError('PLUGIN_ERROR', `plugin "${plugin}" failed in ${hook}: ${reason}`, {
    plugin,
    hook,
    cause,
  });
}

export function fileNotFound(file: string, what = 'file'): RunnerError {
  return new RunnerError('FILE_NOT_FOUND', `${what} not found: ${file}`, { file });
}

/** Turns anything into a RunnerError without losing it (used at the top of the CLI). */
export function toRunnerError(value: unknown): RunnerError {
  if (isRunnerError(value)) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new RunnerError('INTERNAL', `internal error: ${message}`, { cause: value });
}
