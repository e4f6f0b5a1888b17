import type { PropertyReader } from '../config/props';
import type { ParameterRule, ParameterSpec } from './types';

type SpecOf<K extends ParameterRule['kind']> = ParameterSpec & { rule: Extract<ParameterRule, { kind: K }> };

/**
 * Reads parameters by their spec: the allowed values and the fallback come from the registry, the checks and
 * the problem wording from PropertyReader. A spec of the wrong kind is a programming error and throws.
 */
export class ParameterReader {
  constructor(private readonly r: PropertyReader) {}

  /** Problems recorded so far (each names its property first). */
  get problems(): readonly string[] {
    return this.r.problems;
  }

  /** True when a problem about `name` is already recorded (so a rule across properties does not repeat it). */
  failed(name: string): boolean {
    return this.r.problems.some((p) => p.startsWith(name));
  }

  /** Records a problem found by a rule across several properties. */
  require(condition: boolean, problem: string): void {
    this.r.require(condition, problem);
  }

  choice<T extends string>(spec: ParameterSpec): T {
    const s = expectKind(spec, 'choice');
    return this.r.choice<T>(s.name, s.rule.values as readonly T[], fallback(s) as T);
  }

  bool(spec: ParameterSpec): boolean {
    const s = expectKind(spec, 'bool');
    return this.r.bool(s.name, fallback(s) === 'true');
  }

  int(spec: ParameterSpec): number {
    const s = expectKind(spec, 'int');
    return this.r.int(s.name, s.rule.min, s.rule.max, Number(fallback(s)));
  }

  intChoice(spec: ParameterSpec): number {
    const s = expectKind(spec, 'intChoice');
    return this.r.intChoice(s.name, s.rule.values, Number(fallback(s)));
  }

  /** A string matching the spec's pattern; empty (the fallback) when absent or invalid. */
  string(spec: ParameterSpec): string {
    const s = expectKind(spec, 'pattern');
    return this.r.pattern(s.name, s.rule.pattern, s.rule.rule, fallback(s), s.rule.secret ? { secret: true } : {});
  }

  list(spec: ParameterSpec): string[] {
    const s = expectKind(spec, 'list');
    return this.r.list(s.name, s.rule.item, s.rule.rule);
  }
}

function fallback(spec: ParameterSpec): string {
  return spec.parseDefault ?? spec.default;
}

function expectKind<K extends ParameterRule['kind']>(spec: ParameterSpec, kind: K): SpecOf<K> {
  if (spec.rule.kind !== kind) throw new Error(`parameter ${spec.name} is a ${spec.rule.kind}, read as a ${kind}`);
  return spec as SpecOf<K>;
}
