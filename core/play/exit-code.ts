import type { Recap } from '../output/events.js';

/**
 * Exit codes, decided here and nowhere else. They follow ansible-playbook so
 * scripts written for it keep working:
 * 0 every host ok; 1 the run could not start (bad input); 2 usage error, or one
 * or more hosts failed; 4 one or more hosts unreachable, or (--syntax-check,
 * --list-*) the playbook does not parse; 6 both; 99 interrupted; 141 the reader
 * of the output went away (`runner … | head -1`), what a shell reports for a
 * tool that SIGPIPE ended.
 */
export const EXIT = {
  OK: 0,
  ERROR: 1,
  USAGE: 2,
  FAILED_HOSTS: 2,
  UNREACHABLE_HOSTS: 4,
  PARSE_ERROR: 4,
  INTERRUPTED: 99,
  CLOSED_PIPE: 141,
} as const;

export function exitCodeFor(recap: Recap, interrupted: boolean): number {
  if (interrupted) return EXIT.INTERRUPTED;
  let code: number = EXIT.OK;
  if (recap.hosts.some((h) => h.status === 'failed')) code |= EXIT.FAILED_HOSTS;
  if (recap.hosts.some((h) => h.status === 'unreachable')) code |= EXIT.UNREACHABLE_HOSTS;
  return code;
}
