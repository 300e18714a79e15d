import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  clearSecretRegistry,
  MASK,
  redactDeep,
  registerSecretValue,
  Secret,
  SecretSet,
} from '../../core/secret.js';

/** An AWS-like secret key (40 base64 characters), the same for the same `i`. */
const awsLike = (i: number) => createHash('sha256').update(`key ${i}`).digest('base64').slice(0, 40);

describe('SecretSet', () => {
  it.each([3, 500])('masks every occurrence of every value it knows (%i values)', (count) => {
    const set = new SecretSet();
    for (let i = 0; i < count; i++) set.add(awsLike(i));
    const [a, b] = [awsLike(1), awsLike(count - 1)];
    const text = `key=${a}\nagain ${a}${b} and ${awsLike(count)} stays`;
    expect(set.redact(text)).toBe(`key=${MASK}\nagain ${MASK}${MASK} and ${awsLike(count)} stays`);
    expect(set.redact('nothing secret here')).toBe('nothing secret here');
  });

  it('masks the longest value that starts at a place, past the few-values scan', () => {
    const set = new SecretSet();
    for (let i = 0; i < 40; i++) set.add(awsLike(i));
    set.add('hunter2');
    set.add('hunter2-long');
    expect(set.redact('pw hunter2-long, hunter2.')).toBe(`pw ${MASK}, ${MASK}.`);
  });

  it('ignores values under 4 characters', () => {
    const set = new SecretSet();
    set.add('abc');
    expect(set.size).toBe(0);
    expect(set.redact('abc abc')).toBe('abc abc');
  });

  // A fleet run learns a secret per host and redacts every event: a scan per value made the
  // run quadratic in hosts (79 ms/host of CPU at 10,000 simulated hosts, 32 at 1,000).
  it('does the same work per text with 100 and with 10,000 values known', () => {
    // Values start with three characters no other place of the text has, so the only places
    // worth a comparison are where a value is: the count is exact, not a statistic.
    const value = (i: number) =>
      String.fromCharCode(0x100 + (i & 255), 0x100 + ((i >> 8) & 255), 0x100) + awsLike(i);
    const work = (count: number) => {
      const set = new SecretSet();
      for (let i = 0; i < count; i++) set.add(value(i));
      const text = `${'changed: [host-0042] => stdout '.repeat(20)}${value(7)} and ${value(42)}\n`;
      const before = set.comparisons;
      expect(set.redact(text)).toBe(`${'changed: [host-0042] => stdout '.repeat(20)}${MASK} and ${MASK}\n`);
      return set.comparisons - before;
    };
    expect(work(100)).toBe(2);
    expect(work(10_000)).toBe(2);
  });
});

describe('redactDeep (what every event passes through)', () => {
  it('masks known values and Secret objects at any depth, in a copy, leaving other values as they are', () => {
    clearSecretRegistry();
    registerSecretValue('s3cr3t-value');
    try {
      /** The same event with `secret` where a secret value stands and `other` where a Secret object does. */
      const eventWith = (secretText: string, other: unknown) => ({
        type: 'host.task.result',
        result: {
          rc: 0,
          changed: true,
          skipped: null,
          missing: undefined,
          stdout: `token=${secretText}\n`,
          data: { lines: ['ok', `again ${secretText}`], password: other },
        },
      });
      const event = eventWith('s3cr3t-value', new Secret('other-secret'));
      const safe = redactDeep(event);
      expect(safe).toEqual(eventWith(MASK, MASK));
      expect(safe).not.toBe(event);
      expect(safe.result.data.lines).not.toBe(event.result.data.lines);
      expect(event.result.stdout).toBe('token=s3cr3t-value\n');
    } finally {
      clearSecretRegistry();
    }
  });
});
