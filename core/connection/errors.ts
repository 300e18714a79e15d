import { RunnerError, type RunnerErrorCode } from '../errors.js';

/**
 * Connection error factories: one place decides the code and the one-line
 * wording for every way a host can be out of reach, so the recap reads the
 * same whatever the cause. Messages name the host and never carry a secret.
 */

/** `web1 (10.0.0.5:22)`, or `10.0.0.5:22` when the inventory name is the address. */
export function where(host: string, address: string, port: number): string {
  const target = `${address.includes(':') ? `[${address}]` : address}:${port}`;
  return host === address ? target : `${host} (${target})`;
}

export function connectionError(
  code: RunnerErrorCode,
  host: string,
  place: string,
  reason: string,
  cause?: unknown,
): RunnerError {
  return new RunnerError(code, `${place}: ${reason}`, { host, cause });
}

/** Errors worth a reconnect: the server was there but not ready (restart, MaxStartups). */
export function isRetryableConnectError(error: unknown): boolean {
  return error instanceof RunnerError && error.code === 'CONNECT_REFUSED'
    ? true
    : error instanceof RunnerError && error.code === 'CONNECT_FAILED' && /reset|closed/.test(error.message);
}

/** Maps a socket/ssh2 error seen before the session was ready. */
export function classifyConnectError(
  error: NodeJS.ErrnoException & { level?: string },
  host: string,
  place: string,
): RunnerError {
  switch (error.code) {
    case 'ECONNREFUSED':
      return connectionError('CONNECT_REFUSED', host, place, 'connection refused', error);
    case 'ECONNRESET':
    case 'EPIPE':
      return connectionError(
        'CONNECT_FAILED',
        host,
        place,
        'connection reset during the SSH handshake',
        error,
      );
    case 'ETIMEDOUT':
      return connectionError('CONNECT_TIMEOUT', host, place, 'connection timed out', error);
    case 'EHOSTUNREACH':
      return connectionError('CONNECT_FAILED', host, place, 'no route to host', error);
    case 'ENETUNREACH':
      return connectionError('CONNECT_FAILED', host, place, 'network unreachable', error);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return connectionError('CONNECT_FAILED', host, place, 'cannot resolve the address', error);
    default:
      break;
  }
  if (error.level === 'client-authentication') {
    return connectionError('AUTH_FAILED', host, place, 'authentication failed', error);
  }
  if (error.level === 'handshake') {
    return connectionError('CONNECT_FAILED', host, place, `SSH handshake failed: ${error.message}`, error);
  }
  return connectionError('CONNECT_FAILED', host, place, error.message || 'connection failed', error);
}
