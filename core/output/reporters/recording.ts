import type { Reporter, RunEvent } from '../events.js';

/** Keeps every event in memory: for tests and programmatic use. */
export function recordingReporter(): Reporter & { events: RunEvent[] } {
  const events: RunEvent[] = [];
  return {
    events,
    onEvent(event) {
      events.push(event);
    },
  };
}
