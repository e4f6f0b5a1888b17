/**
 * Small typed readers for CloudFormation resource properties, which always arrive as strings.
 * Each reader records a problem naming the property and its allowed values instead of throwing,
 * so one FAILED response lists every mistake at once.
 */
export class PropertyReader {
  readonly problems: string[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly props: Readonly<Record<string, unknown>>) {}

  private raw(name: string): string | undefined {
    this.seen.add(name);
    const v = this.props[name];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'string') return v;
    // A map is no CloudFormation string: named in the problem as JSON, not as [object Object].
    if (typeof v === 'object' && !Array.isArray(v)) return JSON.stringify(v);
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- the union tells no-base-to-string that no object reaches String()
    return String(v as number | boolean | bigint | symbol | unknown[]);
  }

  /** One of a fixed set of values. */
  choice<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if ((allowed as readonly string[]).includes(v)) return v as T;
    this.problems.push(notAllowed(name, `'${v}'`, allowed.join(', ')));
    return fallback;
  }

  /** A whole number within [min, max]. */
  int(name: string, min: number, max: number, fallback: number): number {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const n = /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : NaN;
    if (Number.isSafeInteger(n) && n >= min && n <= max) return n;
    this.problems.push(notAllowed(name, `'${v}'`, `a whole number from ${min} to ${max}`));
    return fallback;
  }

  /** A whole number from a fixed set (CloudWatch Logs retention, flow-log aggregation interval). */
  intChoice(name: string, allowed: readonly number[], fallback: number): number {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const n = Number(v.trim());
    if (/^\d+$/.test(v.trim()) && allowed.includes(n)) return n;
    this.problems.push(notAllowed(name, `'${v}'`, allowed.join(', ')));
    return fallback;
  }

  /** CloudFormation booleans: "true"/"false" (any case) become booleans here and nowhere else. */
  bool(name: string, fallback: boolean): boolean {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const lower = v.toLowerCase();
    if (lower === 'true' || lower === 'false') return lower === 'true';
    this.problems.push(notAllowed(name, `'${v}'`, 'true, false'));
    return fallback;
  }

  /** A string matching `pattern`; `describe` says in words what is allowed. Secret values are never echoed. */
  pattern(name: string, pattern: RegExp, describe: string, fallback: string, opts: { secret?: boolean } = {}): string {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if (pattern.test(v)) return v;
    this.problems.push(notAllowed(name, opts.secret ? '(value hidden)' : `'${v}'`, describe));
    return fallback;
  }

  /**
   * A comma-separated list, each item matching `pattern`; duplicates removed, order kept. An empty item
   * (`a,,b`, a leading or trailing comma) is a problem, not silently dropped: it is usually a typo.
   */
  list(name: string, pattern: RegExp, describe: string): string[] {
    const v = this.raw(name);
    if (v === undefined) return [];
    const parts = v.split(',').map((s) => s.trim());
    if (parts.some((p) => p === '')) this.problems.push(`${name} has an empty item (a leading, trailing or doubled comma); allowed values: ${describe}`);
    const items = [...new Set(parts.filter(Boolean))];
    const bad = items.filter((i) => !pattern.test(i));
    if (bad.length > 0) {
      this.problems.push(`${name} has invalid item(s) ${bad.map((b) => `'${b}'`).join(', ')}; allowed values: ${describe}`);
    }
    return items.filter((i) => pattern.test(i));
  }

  /** Records a problem found by a rule across several properties. */
  require(condition: boolean, problem: string): void {
    if (!condition) this.problems.push(problem);
  }

  /** Properties that no reader asked for: typos and unsupported settings. */
  unknown(ignored: readonly string[]): string[] {
    return Object.keys(this.props).filter((k) => !this.seen.has(k) && !ignored.includes(k));
  }
}

/** The problem of a value (`shown`: quoted, or hidden when secret) outside what `name` allows (`allowed`, in words). */
function notAllowed(name: string, shown: string, allowed: string): string {
  return `${name} ${shown} is not allowed; allowed values: ${allowed}`;
}
