import type { HostState } from './host-state.js';
import type { PlayDefinition } from './model.js';

/** Why a play stops every host after a failure (any_errors_fatal, max_fail_percentage), or undefined. */
export function breakReason(play: PlayDefinition, batch: HostState[]): string | undefined {
  if (play.anyErrorsFatal) return 'any_errors_fatal';
  if (play.maxFailPercentage === undefined || batch.length === 0) return undefined;
  const failed = batch.filter((h) => h.final).length;
  return (failed / batch.length) * 100 > play.maxFailPercentage
    ? `max_fail_percentage ${play.maxFailPercentage}% exceeded`
    : undefined;
}
