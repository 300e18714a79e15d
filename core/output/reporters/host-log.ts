import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Reporter, RunEvent } from '../events.js';

/**
 * One log file per host under `dir` (`<host>.log`), with every result and
 * output line for that host: what an operator opens when one host of a
 * thousand failed. Events arrive redacted.
 */
export function hostLogReporter(dir: string): Reporter {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const write = (host: string, line: string) => {
    const safe = host.replace(/[^A-Za-z0-9._-]/g, '_');
    appendFileSync(join(dir, `${safe}.log`), `${new Date().toISOString()} ${line}\n`, { mode: 0o600 });
  };
  return {
    onEvent(event: RunEvent) {
      switch (event.type) {
        case 'host.task.result': {
          const r = event.result;
          write(
            r.host,
            `${r.status} ${r.task}${r.rc !== undefined ? ` rc=${r.rc}` : ''}${r.msg ? `: ${r.msg}` : ''}`,
          );
          if (r.stdout) write(r.host, `stdout: ${r.stdout}`);
          if (r.stderr) write(r.host, `stderr: ${r.stderr}`);
          break;
        }
        case 'host.output':
          write(event.host, `${event.stream}: ${event.text}`);
          break;
        case 'host.done':
          write(event.host, `done: ${event.status}${event.msg ? `: ${event.msg}` : ''}`);
          break;
      }
    },
  };
}
