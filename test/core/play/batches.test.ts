import { describe, expect, it } from 'vitest';
import type { Recap, RecapRow } from '../../../core/output/events.js';
import { batches } from '../../../core/play/executor.js';
import { EXIT, exitCodeFor } from '../../../core/play/exit-code.js';

const hosts = Array.from({ length: 10 }, (_, i) => `h${i}`);

describe('serial batches', () => {
  it('splits by number, percentage and a list that repeats its last size', () => {
    expect(batches(hosts, undefined)).toEqual([hosts]);
    expect(batches(hosts, 4).map((b) => b.length)).toEqual([4, 4, 2]);
    expect(batches(hosts, '30%').map((b) => b.length)).toEqual([3, 3, 3, 1]);
    expect(batches(hosts, [1, '50%']).map((b) => b.length)).toEqual([1, 5, 4]);
    expect(batches(hosts, '1%').map((b) => b.length)).toEqual(Array(10).fill(1));
  });
});

describe('exit codes', () => {
  const row = (status: RecapRow['status']): RecapRow => ({
    host: status,
    status,
    ok: 0,
    changed: 0,
    failed: 0,
    skipped: 0,
    unreachable: 0,
    rescued: 0,
    ignored: 0,
  });
  const recap = (...rows: RecapRow[]): Recap => ({ hosts: rows, durationMs: 0, notices: [] });

  it('follows ansible-playbook: 0 ok, 2 failed, 4 unreachable, 6 both, 99 interrupted', () => {
    expect(exitCodeFor(recap(row('ok')), false)).toBe(EXIT.OK);
    expect(exitCodeFor(recap(row('ok'), row('failed')), false)).toBe(2);
    expect(exitCodeFor(recap(row('unreachable')), false)).toBe(4);
    expect(exitCodeFor(recap(row('failed'), row('unreachable')), false)).toBe(6);
    expect(exitCodeFor(recap(row('ok')), true)).toBe(99);
  });
});
