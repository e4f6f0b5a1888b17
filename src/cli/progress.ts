import type { Clock } from '../clock';

const FRAMES = ['|', '/', '-', '\\'];

/**
 * Progress of long work on stderr: one line per finished step (always), and a spinner on the line being
 * worked on only when stderr is a terminal. stdout keeps only the result, so `--json` output stays clean.
 */
export class Progress {
  private frame = 0;
  private active: string | undefined;

  constructor(
    private readonly write: (text: string) => void,
    private readonly tty: boolean,
    private readonly clock: Clock,
  ) {}

  /** Shows what is being worked on (a spinner frame on a terminal; nothing otherwise). */
  working(what: string): void {
    if (!this.tty) return;
    this.active = what;
    this.write(`\r${FRAMES[this.frame++ % FRAMES.length]} ${what}\u001b[K`);
  }

  /** One finished step: a line of its own. */
  done(line: string): void {
    if (this.tty && this.active !== undefined) this.write('\r\u001b[K');
    this.active = undefined;
    this.write(`${line}\n`);
  }

  /** Seconds since `start` (ms), for "done in 3s" lines. */
  since(start: number): string {
    return `${Math.round((this.clock.now() - start) / 1000)}s`;
  }
}
