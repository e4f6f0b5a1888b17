// Bench section: modeled Create time. Runs scripts/bench/modeled-create.ts (see run-ts.mjs) at each modeled
// per-call latency and formats its JSON result.
import { runBenchEntry } from './run-ts.mjs';
import { summarize } from './stats.mjs';
import { formatTable } from './table.mjs';

const s = (ms) => (ms / 1000).toFixed(2);
const x = (ratio) => `${ratio.toFixed(2)}x`;

/** Runs scripts/bench/modeled-create.ts with `runs` seeds at `callMs` per API call. */
function runModel(root, runs, callMs) {
  return runBenchEntry(root, 'modeled-create', ['--runs', String(runs), '--call-ms', String(callMs)]);
}

/** The run whose wall time is the median (the lower middle one for an even count). */
function medianRun(runs) {
  const sorted = [...runs].sort((a, b) => a.wallMs - b.wallMs || a.seed - b.seed);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/**
 * Modeled wall time of a Create with every source on, through the real handler against the fake account with a
 * latency model on a fake clock, beside a strictly sequential script with fixed sleeps; the issue's target as
 * figures; and the critical path of the median run, so a miss can be traced to the component chain behind it.
 */
/** The per-call latencies the section models: the issue's two figures. */
export const CALL_LATENCIES_MS = [80, 200];

/** One row per call latency: median, worst seed, their ratio to the floor, and runs within 1.3x (the target). */
function latencyTable(models) {
  return formatTable(
    [
      { header: 'per call' },
      { header: 'median s', align: 'right' },
      { header: 'worst seed', align: 'right' },
      { header: 'median / floor', align: 'right' },
      { header: 'worst / floor', align: 'right' },
      { header: 'runs within 1.3x', align: 'right' },
      { header: 'target' },
    ],
    models.map(({ model, runs: results }) => {
      const floorMs = Math.max(model.streamActiveMs, model.rolePropagationMs);
      const wall = summarize(results.map((r) => r.wallMs));
      const worst = [...results].sort((a, b) => b.wallMs - a.wallMs)[0];
      const within = results.filter((r) => r.wallMs <= 1.3 * floorMs).length;
      return [
        `${model.callMs} ms`,
        s(wall.median),
        `${s(worst.wallMs)} (seed ${worst.seed})`,
        x(wall.median / floorMs),
        x(worst.wallMs / floorMs),
        `${within}/${results.length}`,
        '<= 1.30x on every seed',
      ];
    }),
  );
}

export async function modeledCreateSection({ root, runs }) {
  const models = [];
  for (const callMs of CALL_LATENCIES_MS) models.push(await runModel(root, runs, callMs));
  const { model, props, waits, propagationRetry, runs: results } = models[0];
  const failed = results.filter((r) => r.status !== 'SUCCESS');
  const wall = summarize(results.map((r) => r.wallMs));
  const rounds = summarize(results.map((r) => r.path.rounds));
  const calls = summarize(results.map((r) => r.calls.length));
  const instants = summarize(results.map((r) => r.startInstants));
  const med = medianRun(results);

  // A script like AWShim makes the same calls one after the other and sleeps a fixed time instead of waiting on state.
  const scriptSleepsMs = model.scriptSleeps * model.scriptSleepMs;
  const sequentialMs = med.calls.length * model.callMs + scriptSleepsMs;
  // Role propagation starts at t=0 beside CreateStream (roles do not wait for the stream), so the two waits overlap.
  const floorMs = Math.max(model.streamActiveMs, model.rolePropagationMs);
  const serialFloorMs = model.streamActiveMs + model.rolePropagationMs;
  const withUpdateFloorMs = floorMs + model.streamUpdateMs;
  const within = (limitMs) => results.filter((r) => r.wallMs <= limitMs).length;

  const summary = formatTable(
    [
      { header: 'run' },
      { header: 'wall s', align: 'right' },
      { header: 'min s', align: 'right' },
      { header: 'max s', align: 'right' },
      { header: 'rounds on critical path', align: 'right' },
      { header: 'API calls', align: 'right' },
      { header: 'call-start instants', align: 'right' },
    ],
    [
      [`modeled Create (median of ${results.length})`, s(wall.median), s(wall.min), s(wall.max), rounds.median, calls.median, instants.median],
      ['sequential script, fixed sleeps', s(sequentialMs), '', '', med.calls.length, med.calls.length, ''],
    ],
  );

  const ratio = (ms) => ms / floorMs;
  const target = [
    `floor = max(stream ACTIVE ${s(model.streamActiveMs)} s, role propagation ${s(model.rolePropagationMs)} s) = ${s(floorMs)} s` +
      ' (both start at t=0: the roles do not wait for the stream, so the waits overlap; serial they would be' +
      ` ${s(serialFloorMs)} s)`,
    `modeled / floor: median ${x(ratio(wall.median))}, min ${x(ratio(wall.min))}, max ${x(ratio(wall.max))};` +
      ` target <= 1.30x = ${s(1.3 * floorMs)} s: ${within(1.3 * floorMs)}/${results.length} runs`,
    `under 45 s: median ${s(wall.median)} s; ${within(45_000)}/${results.length} runs`,
    `with the encryption update counted as unavoidable too (StartStreamEncryption needs ACTIVE; ${s(model.streamUpdateMs)} s modeled):` +
      ` floor ${s(withUpdateFloorMs)} s, 1.30x = ${s(1.3 * withUpdateFloorMs)} s: ${within(1.3 * withUpdateFloorMs)}/${results.length} runs`,
    `sequential / modeled median: ${x(sequentialMs / wall.median)}`,
  ];

  // When each stream state change happened in the fake and when the SDK waiter saw it (the stream's waits above).
  const firstEnd = (command) => med.calls.find((c) => c.command === command)?.end;
  const seenAt = (readyMs) => med.calls.find((c) => c.command === 'DescribeStream' && c.end >= readyMs)?.end;
  const lag = (label, doneMs) => {
    const seen = doneMs === undefined ? undefined : seenAt(doneMs);
    return seen === undefined ? `${label}: not reached` : `${label} at ${s(doneMs)} s, seen by the waiter at ${s(seen)} s (${s(seen - doneMs)} s later)`;
  };
  const created = firstEnd('CreateStream');
  const encrypting = firstEnd('StartStreamEncryption');
  const streamWaits = [
    created === undefined ? 'no CreateStream' : lag('ACTIVE', created + model.streamActiveMs),
    ...(encrypting === undefined ? [] : [lag('encryption applied', encrypting + model.streamUpdateMs)]),
  ].join('; ');

  const onPath = new Map();
  for (const seg of med.path.segments) onPath.set(seg.component, (onPath.get(seg.component) ?? 0) + seg.rounds);
  const pathTable = formatTable(
    [
      { header: 'critical path segment' },
      { header: 'rounds', align: 'right' },
      { header: 'API s', align: 'right' },
      { header: 'wait s', align: 'right' },
      { header: 'calls' },
    ],
    med.path.segments.map((seg) => [seg.component, seg.rounds, s(seg.apiMs), s(seg.waitMs), seg.commands.join(', ')]),
  );
  const spanTable = formatTable(
    [
      { header: 'component' },
      { header: 'waits for' },
      { header: 'start s', align: 'right' },
      { header: 'end s', align: 'right' },
      { header: 'calls', align: 'right' },
      { header: 'on path', align: 'right' },
    ],
    [...med.spans]
      .sort((a, b) => a.start - b.start || a.end - b.end)
      .map((sp) => [
        sp.id,
        sp.dependsOn.join(', ') || '-',
        s(sp.start),
        s(sp.end),
        med.calls.filter((c) => c.component === sp.id).length,
        onPath.get(sp.id) ?? 0,
      ]),
  );

  return {
    title: 'Modeled Create time (real handler, fake account, fake clock)',
    lines: [
      `model: each API call ${model.callMs} ms; stream ACTIVE ${s(model.streamActiveMs)} s after CreateStream, UPDATING ${s(model.streamUpdateMs)} s` +
        ` after StartStreamEncryption; a role usable ${s(model.rolePropagationMs)} s after CreateRole / its last PutRolePolicy; ${model.vpcs} VPCs`,
      `sources: ${Object.entries(props)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
      `waits: stream waiter ${JSON.stringify(waits)} s (DEFAULT_WAITS unless --waits); propagation retry ${JSON.stringify(propagationRetry)}` +
        ` (DEFAULT_PROPAGATION_RETRY); runs: Math.random seeded 1..${results.length}, so jitter differs per run and each run repeats exactly`,
      ...(failed.length > 0 ? ['', `FAILED runs: ${failed.map((r) => `seed ${r.seed}: ${r.reason}`).join('; ')}`] : []),
      '',
      `modeled Create by per-call latency (${results.length} seeds each; floor ${s(Math.max(model.streamActiveMs, model.rolePropagationMs))} s):`,
      ...latencyTable(models),
      '',
      `the rest of this section: ${model.callMs} ms per call`,
      '',
      ...summary,
      '',
      `rounds on critical path = the longest chain of dependent calls: walked back from the last call, each call's predecessor is the call of` +
        ` its component that ended last before it started, or for a component's first call the last call of the dependency the engine waited` +
        ` for longest. Wall = rounds x ${model.callMs} ms + waits on that chain. call-start instants (distinct fake-clock times at which a call` +
        ` starts) is shown for reference only: it also counts branches off the path, and jitter splits one round into several instants.`,
      `sequential script = ${med.calls.length} calls x ${model.callMs} ms + ${model.scriptSleeps} x ${s(model.scriptSleepMs)} s sleeps` +
        ` (the calls of the median run, its ${med.waiterPolls} waiter polls and ${med.retries} retries included)`,
      '',
      'target check (figures, not assertions):',
      ...target.map((t) => `  ${t}`),
      '',
      `critical path of the median run (seed ${med.seed}, ${s(med.wallMs)} s = ${med.path.rounds} rounds x ${model.callMs} ms + ${s(med.path.waitMs)} s waits):`,
      ...pathTable,
      `stream waits: ${streamWaits}`,
      '',
      'components of the median run on the fake clock:',
      ...spanTable,
      '',
      `all runs, wall s by seed: ${results.map((r) => `${r.seed}:${s(r.wallMs)}`).join(' ')}`,
    ],
  };
}
