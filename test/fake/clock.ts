import type { Clock } from '../../src/support/clock';

/** A Clock whose sleeps return at once and move time forward, so retries and guards run instantly. */
export class FakeClock implements Clock {
  /** Every sleep requested, in order (ms). */
  readonly sleeps: number[] = [];

  constructor(private time = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.time;
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
    await Promise.resolve();
  }

  advance(ms: number): void {
    this.time += ms;
  }
}
