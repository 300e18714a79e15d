import { describe, expect, it } from 'vitest';
import { RateLimiter, shareOf, withRetries } from '../../core/retry.js';

describe('--api-rate: an account-wide budget shared by the shards', () => {
  it('gives each shard its share, with a burst no larger than its rate', () => {
    const iam = { ratePerSecond: 8, burst: 8 };
    expect(shareOf(iam, {})).toBe(iam);
    expect(shareOf(iam, { apiRate: 20, shard: { count: 4 } })).toEqual({ ratePerSecond: 5, burst: 5 });
    expect(shareOf(iam, { apiRate: 2, shard: { count: 8 } })).toEqual({ ratePerSecond: 0.25, burst: 1 });
    expect(shareOf(iam, { apiRate: 100 })).toEqual({ ratePerSecond: 100, burst: 8 });
  });

  it('makes a client wait for the limiter on every attempt, and slows it on throttling', async () => {
    const limiter = new RateLimiter({ ratePerSecond: 1000, burst: 1000 });
    let taken = 0;
    const take = limiter.take.bind(limiter);
    limiter.take = () => {
      taken++;
      return take();
    };
    let calls = 0;
    const client = withRetries(
      {
        send: async (_command: unknown) => {
          calls++;
          if (calls === 1) throw Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
          return { ok: true };
        },
      },
      'OpsWorks',
      { attempts: 3, baseMs: 1, capMs: 1, limiter },
    );
    expect(await client.send({})).toEqual({ ok: true });
    expect(calls).toBe(2);
    expect(taken).toBe(2);
    // Halved by the throttle, then raised a twentieth back by the success.
    expect(limiter.rate).toBe(550);
  });
});
