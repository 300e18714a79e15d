/**
 * The live view's arithmetic, kept pure so it can be tested without a
 * terminal: a progress bar, and an ETA that is shown only once it is stable.
 */

/** `[████████░░░░░░░░]` for a fraction in 0..1. */
export function progressBar(fraction: number, width = 20): string {
  const f = Math.max(0, Math.min(1, fraction));
  const full = Math.round(f * width);
  return `[${'█'.repeat(full)}${'░'.repeat(width - full)}]`;
}

/**
 * An ETA from the play's average rate since it started (not the last few
 * results, which jump with each batch), smoothed, and withheld until enough is
 * done to trust it: 10% of the work and 3 seconds. Once shown it may only move
 * by the time that passed plus a bounded correction, so it does not jump.
 */
export class EtaEstimator {
  private shown: number | undefined;
  private shownAt = 0;

  update(fraction: number, elapsedS: number): number | undefined {
    if (fraction <= 0 || fraction >= 1 || fraction < 0.1 || elapsedS < 3) return this.tick(elapsedS);
    const raw = (elapsedS / fraction) * (1 - fraction);
    if (this.shown === undefined) {
      this.shown = raw;
    } else {
      const expected = Math.max(0, this.shown - (elapsedS - this.shownAt));
      // Move a fifth of the way toward the new estimate each frame.
      this.shown = expected + (raw - expected) * 0.2;
    }
    this.shownAt = elapsedS;
    return this.shown;
  }

  private tick(elapsedS: number): number | undefined {
    if (this.shown === undefined) return undefined;
    return Math.max(0, this.shown - (elapsedS - this.shownAt));
  }
}
