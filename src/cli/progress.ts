import type { Clock } from '../support/clock';

const FRAMES = ['|', '/', '-', '\\'];
/** Spinner frame interval (ms): a terminal redraw, not a wait on AWS. */
const FRAME_MS = 120;

/**
 * Progress of long work on stderr: one line per finished step (always), and a spinner on the line being
 * worked on only when stderr is a terminal. stdout keeps only the result, so `--json` output stays clean.
 */
export class Progress {
  private frame = 0;
  private active: string | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly write: (text: string) => void,
    private readonly tty: boolean,
    private readonly clock: Clock,
  ) {}

  /** Shows what is being worked on: a spinner on a terminal (redrawn until the next line); nothing otherwise. */
  working(what: string): void {
    if (!this.tty) return;
    this.active = what;
    this.draw();
    // unref: a spinner never keeps the process alive.
    this.timer ??= setInterval(() => this.draw(), FRAME_MS).unref();
  }

  /** One finished step: a line of its own (the spinner, if any, is cleared first and drawn again after). */
  done(line: string): void {
    const active = this.active;
    if (this.tty && active !== undefined) this.write('\r\u001b[K');
    this.write(`${line}\n`);
    if (this.tty && active !== undefined) this.draw();
  }

  /** Stops the spinner and clears its line. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.tty && this.active !== undefined) this.write('\r\u001b[K');
    this.active = undefined;
  }

  /** Seconds since `start` (ms), for "done in 3s" lines. */
  since(start: number): string {
    return `${Math.round((this.clock.now() - start) / 1000)}s`;
  }

  private draw(): void {
    if (this.active !== undefined) this.write(`\r${FRAMES[this.frame++ % FRAMES.length]} ${this.active}\u001b[K`);
  }
}
