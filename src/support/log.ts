/** Structured JSON logs with a fixed key set; secrets and pre-signed URLs are redacted before anything is written. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(context: Record<string, unknown>): Logger;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Keys whose values are never written, at any depth. */
const SECRET_KEY = /responseurl|secret|password|externalid|accesskey|sessiontoken|credential|authorization|signature/i;
/** Values that carry a credential in themselves (pre-signed URLs, AWS secret keys). */
const SECRET_VALUE = /X-Amz-Signature|X-Amz-Credential|Signature=|AWSAccessKeyId=/i;

export const REDACTED = '[REDACTED]';

/** A deep copy of `value` with secret keys and credential-bearing strings replaced by `[REDACTED]`. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[…]';
  if (typeof value === 'string') return SECRET_VALUE.test(value) ? REDACTED : value;
  if (value instanceof Error) {
    return { name: value.name, message: redact(value.message, depth + 1) };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? REDACTED : redact(v, depth + 1);
    return out;
  }
  return value;
}

export interface LoggerOptions {
  level?: LogLevel;
  context?: Record<string, unknown>;
  /** Where lines go; stdout by default. Tests capture them here. */
  sink?: (line: string) => void;
  now?: () => Date;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const min = LEVELS[opts.level ?? 'info'];
  const sink = opts.sink ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = opts.now ?? (() => new Date());
  const context = opts.context ?? {};
  const write = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < min) return;
    const fixed = { level, timestamp: now().toISOString(), message };
    // The fixed keys come first and cannot be overwritten by context or fields.
    const entry = { ...fixed, ...context, ...fields, ...fixed };
    sink(JSON.stringify(redact(entry)));
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (extra) => createLogger({ ...opts, context: { ...context, ...extra } }),
  };
}

/** Parses LOG_LEVEL; anything unknown falls back to info. */
export function parseLogLevel(value: string | undefined): LogLevel {
  const lower = value?.toLowerCase();
  return lower !== undefined && Object.hasOwn(LEVELS, lower) ? (lower as LogLevel) : 'info';
}
