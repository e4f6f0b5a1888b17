// Critical path of one modeled Create: which chain of API calls and waits decided its wall time.

/** One API call on the fake clock: it starts when the SDK hands it over, ends when the answer is back. */
export interface TimedCall {
  index: number;
  service: string;
  command: string;
  /** The component whose ensure made the call, or `(handler)` for calls outside any component. */
  component: string;
  start: number;
  end: number;
  outcome: string;
}

/** One component's ensure on the fake clock, with the dependencies the engine made it wait for. */
export interface Span {
  id: string;
  dependsOn: string[];
  start: number;
  end: number;
}

/** A call on the critical path and the time the path spent waiting (sleep, waiter delay) just before it. */
export interface PathStep {
  call: TimedCall;
  waitBeforeMs: number;
}

/**
 * The chain of dependent calls that ends with the last call of the run, walked backwards: the predecessor of
 * a call is the call of the same component that ended latest at or before it started (the component's code
 * runs one await after the other, so that answer is what let it go on); a component's first call is preceded
 * by the last call of the dependency that finished last (the engine started the component when that one
 * ended). The chain's length is the number of sequential API rounds on the critical path; its gaps are the
 * waits (waiter delays, retry backoff). Gaps plus rounds times the call latency add up to the wall time.
 */
export function criticalPath(calls: readonly TimedCall[], spans: readonly Span[], t0: number): PathStep[] {
  if (calls.length === 0) return [];
  const byId = new Map(spans.map((s) => [s.id, s]));
  const later = (a: TimedCall, b: TimedCall) => (a.end !== b.end ? a.end > b.end : a.index > b.index);
  const latest = (list: readonly TimedCall[]) => list.reduce<TimedCall | undefined>((best, c) => (!best || later(c, best) ? c : best), undefined);

  /** The call that let `call` start: in its component first, else in its gating dependency (recursively). */
  const predecessor = (call: TimedCall): TimedCall | undefined => {
    const own = latest(calls.filter((c) => c.component === call.component && c.index !== call.index && c.end <= call.start));
    if (own) return own;
    const seen = new Set<string>();
    let span = byId.get(call.component);
    while (span && !seen.has(span.id)) {
      seen.add(span.id);
      const deps = span.dependsOn.map((d) => byId.get(d)).filter((d): d is Span => d !== undefined && d.end <= span!.start);
      const gate = deps.reduce<Span | undefined>((best, d) => (!best || d.end > best.end ? d : best), undefined);
      if (!gate) return undefined;
      const last = latest(calls.filter((c) => c.component === gate.id && c.end <= call.start));
      if (last) return last;
      span = gate;
    }
    return undefined;
  };

  const steps: PathStep[] = [];
  let current: TimedCall | undefined = latest(calls);
  while (current) {
    const before = predecessor(current);
    steps.push({ call: current, waitBeforeMs: current.start - (before ? before.end : t0) });
    current = before;
  }
  return steps.reverse();
}

/** Consecutive path steps of one component, summed: how the wall time splits over the components. */
export interface PathSegment {
  component: string;
  rounds: number;
  apiMs: number;
  waitMs: number;
  commands: string[];
}

export function pathSegments(steps: readonly PathStep[]): PathSegment[] {
  const segments: PathSegment[] = [];
  for (const { call, waitBeforeMs } of steps) {
    let last = segments[segments.length - 1];
    if (!last || last.component !== call.component) {
      last = { component: call.component, rounds: 0, apiMs: 0, waitMs: 0, commands: [] };
      segments.push(last);
    }
    last.rounds++;
    last.apiMs += call.end - call.start;
    last.waitMs += waitBeforeMs;
    const previous = last.commands[last.commands.length - 1];
    const m = previous ? /^(.*?)(?: x(\d+))?$/.exec(previous) : null;
    if (m && m[1] === call.command) last.commands[last.commands.length - 1] = `${call.command} x${Number(m[2] ?? 1) + 1}`;
    else last.commands.push(call.command);
  }
  return segments;
}
