import { describe, expect, it } from 'vitest';
import { isRetryableConnectError } from '../../../../core/connection/errors.js';
import { backoffDelay, backoffSchedule } from '../../../../core/connection/ssh/backoff.js';
import { RunnerError } from '../../../../core/errors.js';

describe('reconnect backoff', () => {
  const options = { retries: 5, baseMs: 100, maxMs: 1000 };

  it('doubles up to the cap, half fixed and half jitter', () => {
    expect(backoffSchedule(options, () => 0)).toEqual([50, 100, 200, 400, 500]);
    expect(backoffSchedule(options, () => 0.999999)).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelay(3, options, () => 0.5)).toBe(300);
  });

  it('is bounded by the retry count', () => {
    expect(backoffSchedule({ ...options, retries: 0 })).toEqual([]);
  });

  it('retries refused and reset connections, never auth or host key failures', () => {
    expect(isRetryableConnectError(new RunnerError('CONNECT_REFUSED', 'x: connection refused'))).toBe(true);
    expect(
      isRetryableConnectError(
        new RunnerError('CONNECT_FAILED', 'x: connection reset during the SSH handshake'),
      ),
    ).toBe(true);
    expect(
      isRetryableConnectError(new RunnerError('AUTH_FAILED', 'x: authentication failed (tried: password)')),
    ).toBe(false);
    expect(isRetryableConnectError(new RunnerError('HOST_KEY_CHANGED', 'x: closed'))).toBe(false);
    expect(isRetryableConnectError(new RunnerError('CONNECT_TIMEOUT', 'x: timed out'))).toBe(false);
  });
});
