import { backoffDelay, withRetries, type RetryOptions } from '../../../src/aws/retry';
import type { Clock } from '../../../src/support/clock';

/** A clock whose sleep only advances time and records the delay: no real waiting. */
function fakeClock(start = 1_000_000): Clock & { sleeps: number[]; t: number } {
  const c = {
    t: start,
    sleeps: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.sleeps.push(ms);
      c.t += ms;
    },
  };
  return c;
}

class Throttled extends Error {
  override readonly name = 'ThrottlingException';
}
class Denied extends Error {
  override readonly name = 'AccessDeniedException';
}
const isThrottle = (err: unknown) => err instanceof Throttled;

/** fn that throws the given errors in turn, then returns 'ok'. */
function failing(...errors: Error[]) {
  const attempts: number[] = [];
  const fn = jest.fn(async (attempt: number) => {
    attempts.push(attempt);
    const err = errors[attempts.length - 1];
    if (err) throw err;
    return 'ok';
  });
  return { fn, attempts };
}

const opts = (clock: Clock, extra: Partial<RetryOptions> = {}): RetryOptions => ({
  maxAttempts: 5,
  baseDelayMs: 100,
  maxDelayMs: 1_000,
  clock,
  random: () => 0.5,
  ...extra,
});

describe('backoffDelay', () => {
  it.each([
    [0, 0.5, 50],
    [1, 0.5, 100],
    [2, 0.5, 200],
    [3, 0.5, 400],
    [4, 0.5, 500],
    [10, 0.5, 500],
    [60, 0.5, 500],
    [3, 0, 0],
    [3, 0.999, 799],
  ])('attempt %d with random %d -> %d ms (base 100, cap 1000)', (attempt, r, expected) => {
    expect(backoffDelay(attempt, { baseDelayMs: 100, maxDelayMs: 1_000, random: () => r })).toBe(expected);
  });
});

describe('withRetries', () => {
  it('returns the first success without sleeping', async () => {
    const clock = fakeClock();
    const { fn } = failing();
    await expect(withRetries(fn, isThrottle, opts(clock))).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('retries retryable errors with jittered, capped delays from the injected clock and random', async () => {
    const clock = fakeClock();
    const { fn, attempts } = failing(new Throttled('1'), new Throttled('2'), new Throttled('3'), new Throttled('4'));
    const onRetry = jest.fn();
    const randoms = [0.5, 0.25, 0.999, 1 - 1e-9];
    await expect(withRetries(fn, isThrottle, opts(clock, { maxDelayMs: 300, random: () => randoms.shift()!, onRetry }))).resolves.toBe('ok');
    expect(attempts).toEqual([0, 1, 2, 3, 4]);
    // ceilings 100, 200, 300 (capped), 300 (capped)
    expect(clock.sleeps).toEqual([50, 50, 299, 299]);
    expect(onRetry.mock.calls.map(([err, attempt, delay]) => [(err as Error).message, attempt, delay])).toEqual([
      ['1', 1, 50],
      ['2', 2, 50],
      ['3', 3, 299],
      ['4', 4, 299],
    ]);
  });

  it('rethrows a non-retryable error at once, unchanged', async () => {
    const clock = fakeClock();
    const denied = new Denied('no');
    const { fn } = failing(new Throttled('t'), denied);
    const p = withRetries(fn, isThrottle, opts(clock));
    await expect(p).rejects.toBe(denied);
    expect(fn).toHaveBeenCalledTimes(2);
    expect(clock.sleeps).toEqual([50]);
  });

  it('stops at maxAttempts and rethrows the last error unchanged', async () => {
    const clock = fakeClock();
    const errors = [1, 2, 3, 4, 5].map((i) => new Throttled(`t${i}`));
    const { fn } = failing(...errors);
    await expect(withRetries(fn, isThrottle, opts(clock, { maxAttempts: 3 }))).rejects.toBe(errors[2]);
    expect(fn).toHaveBeenCalledTimes(3);
    expect(clock.sleeps).toEqual([50, 100]);
  });

  it('makes exactly one attempt with maxAttempts 1', async () => {
    const clock = fakeClock();
    const err = new Throttled('once');
    const { fn } = failing(err);
    await expect(withRetries(fn, isThrottle, opts(clock, { maxAttempts: 1 }))).rejects.toBe(err);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('stops before a sleep would pass maxElapsedMs on the injected clock', async () => {
    const clock = fakeClock();
    const errors = Array.from({ length: 20 }, (_, i) => new Throttled(`t${i}`));
    const { fn } = failing(...errors);
    // delays with random 0.5: 50, 100, 200, 400, 500, ... -> elapsed 50, 150, 350, 750; the next (500) would reach 1250
    await expect(withRetries(fn, isThrottle, opts(clock, { maxAttempts: 20, maxElapsedMs: 1_000 }))).rejects.toBe(errors[4]);
    expect(clock.sleeps).toEqual([50, 100, 200, 400]);
    expect(fn).toHaveBeenCalledTimes(5);
  });

  it('counts time spent inside fn towards maxElapsedMs', async () => {
    const clock = fakeClock();
    const err = new Throttled('slow');
    const fn = jest.fn(async () => {
      clock.t += 600;
      throw err;
    });
    await expect(withRetries(fn, isThrottle, opts(clock, { maxAttempts: 10, maxElapsedMs: 1_000 }))).rejects.toBe(err);
    // 600 + 50 sleep + 600 = 1250 > 1000 before the second sleep
    expect(fn).toHaveBeenCalledTimes(2);
    expect(clock.sleeps).toEqual([50]);
  });

  it('rethrows non-Error values unchanged', async () => {
    const clock = fakeClock();
    const fn = jest.fn(async () => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- the case under test: a thrown value that is not an Error
      throw 'plain string';
    });
    await expect(withRetries(fn, () => false, opts(clock))).rejects.toBe('plain string');
  });
});
