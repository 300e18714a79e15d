import { describe, expect, it } from 'vitest';
import { EtaEstimator, progressBar } from '../../../core/output/live-progress.js';

describe('live view arithmetic', () => {
  it('draws a bar for a fraction, clamped to 0..1', () => {
    expect(progressBar(0, 10)).toBe('[░░░░░░░░░░]');
    expect(progressBar(0.5, 10)).toBe('[█████░░░░░]');
    expect(progressBar(2, 4)).toBe('[████]');
  });

  it('withholds the ETA until 10% and 3 s, then never jumps by more than a fifth of a change', () => {
    const eta = new EtaEstimator();
    expect(eta.update(0.05, 10)).toBeUndefined();
    expect(eta.update(0.5, 2)).toBeUndefined();
    const first = eta.update(0.2, 4)!;
    expect(first).toBe(16);
    // A burst of progress would say 1 s left; the estimate moves a fifth of the way.
    const next = eta.update(0.8, 5)!;
    expect(next).toBeCloseTo(15 + (1.25 - 15) * 0.2, 5);
  });
});
