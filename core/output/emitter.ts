import { redactDeep } from '../secret.js';
import type { Reporter, RunEvent } from './events.js';

/**
 * Fans the engine's events out to every reporter, redacting known secret
 * values first, so no reporter can print one even if a command echoed it.
 * A reporter that throws is dropped with a warning rather than stopping the run.
 */
export class EventHub {
  private readonly reporters: Reporter[];

  constructor(reporters: Reporter[]) {
    this.reporters = [...reporters];
  }

  add(reporter: Reporter): void {
    this.reporters.push(reporter);
  }

  emit = (event: RunEvent): void => {
    const safe = redactDeep(event);
    for (const reporter of [...this.reporters]) {
      try {
        reporter.onEvent(safe);
      } catch (error) {
        this.reporters.splice(this.reporters.indexOf(reporter), 1);
        const message = `reporter failed and was removed: ${(error as Error).message}`;
        for (const other of this.reporters) other.onEvent({ type: 'warning', message });
      }
    }
  };

  async close(): Promise<void> {
    for (const reporter of this.reporters) await reporter.close?.();
  }
}
