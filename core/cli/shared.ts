import { setMaxListeners } from 'node:events';
import { InvalidArgumentError } from 'commander';

export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  setExitCode(code: number): void;
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

/**
 * Ctrl-C once: stop starting new work and let running commands finish; twice:
 * kill running commands too. Either way the run closes its connections and
 * prints the recap.
 */
export function interruptController(io: CliIO): { stop: AbortSignal; kill: AbortSignal; dispose(): void } {
  const stop = new AbortController();
  const kill = new AbortController();
  // Every host's running command listens on these: hundreds of listeners are the design, not a leak.
  setMaxListeners(0, stop.signal, kill.signal);
  const onSignal = () => {
    if (!stop.signal.aborted) {
      io.stderr.write('\nstopping: no new tasks start; running ones finish (Ctrl-C again to kill them)\n');
      stop.abort();
    } else if (!kill.signal.aborted) {
      io.stderr.write('\nkilling running commands\n');
      kill.abort();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stop: stop.signal,
    kill: kill.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
