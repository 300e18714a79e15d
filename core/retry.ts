import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A rate limiter shared by every host of a run (IAM allows a few calls a
 * second per account, not per host) and a retry with exponential backoff and
 * full jitter on throttling. Bounded: a call is tried at most `attempts` times.
 */
export interface LimiterOptions {
  /** Calls started per second across the fleet. */
  ratePerSecond: number;
  /** How many may start at once after a quiet spell. */
  burst: number;
}

export class RateLimiter {
  #tokens: number;
  #last = Date.now();
  #queue: Array<() => void> = [];
  #timer: NodeJS.Timeout | undefined;
  /** Lowered after throttling, raised back slowly (AIMD), so a throttled fleet backs off as one. */
  #rate: number;

  constructor(readonly options: LimiterOptions) {
    this.#tokens = options.burst;
    this.#rate = options.ratePerSecond;
  }

  get rate(): number {
    return this.#rate;
  }

  throttled(): void {
    this.#rate = Math.max(this.options.ratePerSecond / 8, this.#rate / 2);
  }

  succeeded(): void {
    this.#rate = Math.min(this.options.ratePerSecond, this.#rate + this.options.ratePerSecond / 20);
  }

  #refill(): void {
    const now = Date.now();
    this.#tokens = Math.min(this.options.burst, this.#tokens + ((now - this.#last) / 1000) * this.#rate);
    this.#last = now;
  }

  #drain = (): void => {
    this.#timer = undefined;
    this.#refill();
    while (this.#queue.length > 0 && this.#tokens >= 1) {
      this.#tokens -= 1;
      this.#queue.shift()!();
    }
    if (this.#queue.length > 0) {
      const waitMs = Math.ceil(((1 - this.#tokens) / this.#rate) * 1000);
      this.#timer = setTimeout(this.#drain, Math.max(1, waitMs));
    }
  };

  /** Resolves when the caller may start a call. */
  take(): Promise<void> {
    return new Promise((resolve) => {
      this.#queue.push(resolve);
      if (!this.#timer) this.#drain();
    });
  }
}

/**
 * One process's part of an account-wide budget. `--api-rate N` is what the
 * account allows per second for a service (IAM, OpsWorks, SSM); each of the
 * run's `shard.count` processes takes N/count, so the fleet together stays
 * within N without talking. Throttling still halves the rate (AIMD) if the
 * account is busier than the budget says. Without `apiRate`, `limits` stand.
 */
export function shareOf(
  limits: LimiterOptions,
  scope: { apiRate?: number; shard?: { count: number } },
): LimiterOptions {
  if (!scope.apiRate) return limits;
  const ratePerSecond = scope.apiRate / (scope.shard?.count ?? 1);
  // A burst above the rate would let a shard spend its neighbours' share after a quiet spell.
  return { ratePerSecond, burst: Math.max(1, Math.min(limits.burst, Math.floor(ratePerSecond))) };
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'LimitExceededException',
]);

export function isThrottling(error: unknown): boolean {
  const e = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return (
    THROTTLING.has(e?.name ?? '') || THROTTLING.has(e?.Code ?? '') || e?.$metadata?.httpStatusCode === 429
  );
}

/**
 * A failure worth trying again: the request may not have reached the service,
 * or the service said so (timeouts, resets, 5xx, `fetch failed`). Anything
 * else (AccessDenied, NoSuchEntity, validation) is permanent and fails at once.
 */
const TRANSIENT_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'ServiceFailure',
]);
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
]);

export function isTransient(error: unknown): boolean {
  const e = error as {
    name?: string;
    code?: string;
    message?: string;
    cause?: { code?: string };
    $metadata?: { httpStatusCode?: number };
  };
  if (!e) return false;
  if (TRANSIENT_NAMES.has(e.name ?? '')) return true;
  if (TRANSIENT_CODES.has(e.code ?? '') || TRANSIENT_CODES.has(e.cause?.code ?? '')) return true;
  if (/fetch failed|socket hang up|ECONNRESET|ETIMEDOUT/.test(e.message ?? '')) return true;
  const status = e.$metadata?.httpStatusCode ?? 0;
  return status >= 500 && status <= 599;
}

export interface RetryOptions {
  attempts: number;
  baseMs: number;
  capMs: number;
  signal?: AbortSignal;
  /** Told of each transient failure before its retry (throttling is routine and not reported). */
  onRetry?: (error: unknown, attempt: number) => void;
  /** For tests. */
  random?: () => number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 8, baseMs: 200, capMs: 10_000 };

/** Full-jitter backoff: a random delay in [0, min(cap, base * 2^attempt)). */
export function backoffMs(attempt: number, options: RetryOptions): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** attempt);
  return Math.floor((options.random ?? Math.random)() * ceiling);
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/** Runs `call` through the limiter, retrying throttling (slowing the fleet) and transient failures, with backoff. */
export async function limited<T>(
  limiter: RateLimiter,
  call: () => Promise<T>,
  options: RetryOptions = DEFAULT_RETRY,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    await limiter.take();
    try {
      const value = await call();
      limiter.succeeded();
      return value;
    } catch (error) {
      const throttled = isThrottling(error);
      if ((!throttled && !isTransient(error)) || attempt + 1 >= options.attempts || options.signal?.aborted)
        throw error;
      if (throttled) limiter.throttled();
      else options.onRetry?.(error, attempt + 1);
      await sleep(backoffMs(attempt, options), options.signal);
    }
  }
}

/**
 * Retries throttling and transient failures with full-jitter backoff, without
 * a rate limit (for APIs whose budget is not shared fleet-wide). Each
 * transient failure is told to `onRetry` before its retry; throttling is
 * routine and stays quiet; anything else fails at once.
 */
export async function retrying<T>(
  call: (attempt: number) => Promise<T>,
  options: RetryOptions = DEFAULT_RETRY,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      const throttled = isThrottling(error);
      if ((!throttled && !isTransient(error)) || attempt + 1 >= options.attempts || options.signal?.aborted)
        throw error;
      if (!throttled) options.onRetry?.(error, attempt + 1);
      await sleep(backoffMs(attempt, options), options.signal);
    }
  }
}

/**
 * Who is told of a retry in the current async context: a step runs its work
 * inside `retryNotices.run(ctx.warn, ...)`, so a retry made on its behalf
 * (even by a client shared across the play) is reported on its host.
 */
export const retryNotices = new AsyncLocalStorage<(message: string) => void>();

/** `Name: message`, on one line. */
export function errorLine(error: unknown): string {
  const e = error as { name?: string; message?: string };
  const text = `${e?.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e?.message ?? String(error)}`;
  return text.replace(/\s*\n\s*/g, ' ');
}

// biome-ignore lint/suspicious/noExplicitAny: an SDK client's send is overloaded per command.
type Sender = { send(command: any, ...rest: any[]): Promise<any> };

/**
 * An SDK client whose every `send` is retried by `retrying` (give the client
 * `maxAttempts: 1` so the two do not multiply). Each transient retry is told
 * to the current `retryNotices` listener as `<service> <Operation>: <error>:
 * transient, retrying (attempt n of m)`. `doneOnRetry` says when an error on a
 * retried attempt means the first one went through (a delete whose answer was
 * lost finds nothing to delete): then the call counts as done.
 */
export function withRetries<C extends Sender>(
  client: C,
  service: string,
  options: Omit<RetryOptions, 'onRetry'> & {
    /** Every attempt waits for the limiter, and throttling slows it (an account-wide budget). */
    limiter?: RateLimiter;
  } = DEFAULT_RETRY,
  doneOnRetry?: (operation: string, error: unknown) => boolean,
): C {
  const limiter = options.limiter;
  const send = client.send.bind(client);
  // biome-ignore lint/suspicious/noExplicitAny: see Sender.
  client.send = (async (command: any, ...rest: any[]) => {
    const operation = String(command?.constructor?.name ?? 'call').replace(/Command$/, '');
    return retrying(
      async (attempt) => {
        await limiter?.take();
        try {
          const value = await send(command, ...rest);
          limiter?.succeeded();
          return value;
        } catch (error) {
          if (limiter && isThrottling(error)) limiter.throttled();
          if (attempt > 0 && doneOnRetry?.(operation, error)) return {};
          throw error;
        }
      },
      {
        ...options,
        onRetry: (error, attempt) =>
          retryNotices.getStore()?.(
            `${service} ${operation}: ${errorLine(error)}: transient, retrying (attempt ${attempt + 1} of ${options.attempts})`,
          ),
      },
    );
  }) as C['send'];
  return client;
}
