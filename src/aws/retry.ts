import type { Clock } from '../support/clock';
import { systemClock } from '../support/clock';

export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Give up once this much time has passed since the first attempt (on the injected clock). */
  maxElapsedMs?: number;
  clock?: Clock;
  /** Uniform [0, 1): injectable for deterministic tests. */
  random?: () => number;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/** Full-jitter exponential backoff: a uniform delay in [0, min(cap, base * 2^attempt)). */
export function backoffDelay(attempt: number, opts: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'>): number {
  const ceiling = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** attempt);
  return Math.floor((opts.random ?? Math.random)() * ceiling);
}

/**
 * Runs `fn` until it succeeds, retrying only errors that `isRetryable` names.
 * Capped, jittered backoff on an injectable clock; the last error is rethrown unchanged.
 */
export async function withRetries<T>(fn: (attempt: number) => Promise<T>, isRetryable: (err: unknown) => boolean, opts: RetryOptions): Promise<T> {
  const clock = opts.clock ?? systemClock;
  const started = clock.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const delay = backoffDelay(attempt, opts);
      const outOfAttempts = attempt + 1 >= opts.maxAttempts;
      const outOfTime = opts.maxElapsedMs !== undefined && clock.now() - started + delay > opts.maxElapsedMs;
      if (!isRetryable(err) || outOfAttempts || outOfTime) throw err;
      opts.onRetry?.(err, attempt + 1, delay);
      await clock.sleep(delay);
    }
  }
}
