// Bench entry (bundled by modeled-create.mjs with esbuild, run with node): a Create with every source on,
// through the real custom resource handler, against the fake account with a latency model, on a fake clock.
// Prints one JSON document on stdout; the section formats it.
import { AsyncLocalStorage } from 'node:async_hooks';
import { withGlobal } from '@sinonjs/fake-timers';
import type { CloudFormationCustomResourceCreateEvent } from 'aws-lambda';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { systemClock } from '../../src/support/clock';
import { createCustomResourceHandler } from '../../src/handlers/custom-resource';
import { createLogger } from '../../src/support/log';
import type { Component } from '../../src/components/component';
import { defaultComponents } from '../../src/sources/registry';
import { DEFAULT_PROPAGATION_RETRY, DEFAULT_WAITS, type WaitSettings } from '../../src/components/context';
import { FAKE_CREDENTIALS, FakeAccount, type FakeCall } from '../../test/fake/account';
import { criticalPath, pathSegments, type Span, type TimedCall } from './modeled-create.path';

/** The latency model: every API call, and how long AWS takes to make new things usable. */
export const MODEL = {
  callMs: 80,
  /** CreateStream -> ACTIVE. */
  streamActiveMs: 30_000,
  /**
   * StartStreamEncryption -> ACTIVE again. Not part of the model; AWS documents that applying
   * encryption "normally takes a few seconds". The stream takes records meanwhile.
   */
  streamUpdateMs: 5_000,
  /** CreateRole (or a change of its policies: the fake restarts the clock then) -> usable by the service that assumes it. */
  rolePropagationMs: 10_000,
  vpcs: 8,
  /** What a sequential script like AWShim does instead of waiting on state: six fixed sleeps. */
  scriptSleeps: 6,
  scriptSleepMs: 30_000,
};

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/siem-bench/0b1c2d3e-4f50-11f0-8a9b-0c1d2e3f4a5b`;
const RESPONSE_URL = 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/bench';
const T0 = Date.UTC(2026, 0, 1);
/** Every source on: CloudTrail (a new trail), flow logs, GuardDuty (a new detector), two extra sources, IamUser access. */
export const PROPS: Record<string, string> = {
  PipelineName: 'bench',
  SiemAccess: 'IamUser',
  EnableCloudTrail: 'true',
  EnableFlowLogs: 'true',
  EnableGuardDuty: 'true',
  ExtraEventSources: 'aws.securityhub,aws.access-analyzer',
};

export interface RunResult {
  seed: number;
  status: string;
  reason?: string;
  wallMs: number;
  calls: TimedCall[];
  spans: Span[];
  /** Distinct fake-clock instants at which at least one call started: for reference (counts calls off the path; jitter splits rounds). */
  startInstants: number;
  /** Calls repeating their component's previous call after it failed (propagation and test-delivery retries, SDK retries). */
  retries: number;
  /** DescribeStream calls: the SDK waiter's polls for ACTIVE. */
  waiterPolls: number;
  path: { rounds: number; apiMs: number; waitMs: number; segments: ReturnType<typeof pathSegments> };
}

/** mulberry32: the jitter of the SDK waiter, SDK retry and withRetries comes from Math.random; seeding it makes runs repeat. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const realSetImmediate = setImmediate;
/** Lets every pending promise chain run (they need no timer) before the fake clock moves on. */
async function drain(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => realSetImmediate(resolve));
}

/** Fires fake timers one at a time, draining promises in between, until `work` settles. */
async function drive<T>(clock: { countTimers(): number; next(): number }, work: Promise<T>): Promise<T> {
  let settled = false;
  void work.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let steps = 0; ; steps++) {
    await drain();
    if (settled) return work;
    // The handler's own timeout guard is always scheduled, so a hung run ends FAILED rather than here.
    if (clock.countTimers() === 0 || steps > 1_000_000) throw new Error('modeled Create is stuck: nothing is scheduled on the fake clock');
    clock.next();
  }
}

/** Components as registered, each ensure timed and run in an async context that names it (for call attribution). */
function timedComponents(store: AsyncLocalStorage<string>, spans: Span[]): Component[] {
  return defaultComponents().map((c) => ({
    ...c,
    ensure: async (config, ctx) => {
      const span: Span = { id: c.id, dependsOn: [...c.dependsOn], start: Date.now(), end: Number.NaN };
      spans.push(span);
      try {
        return await store.run(c.id, () => c.ensure(config, ctx));
      } finally {
        span.end = Date.now();
      }
    },
  }));
}

/** The SDK reads shared config files once per process: done here on real timers, so no real I/O is pending on the fake clock. */
async function warmUp(): Promise<void> {
  await new FakeAccount().clients().kinesis.send(new ListStreamsCommand({}));
}

async function runOnce(seed: number, waits: WaitSettings, callMs: number): Promise<RunResult> {
  const realRandom = Math.random;
  Math.random = seeded(seed);
  const clock = withGlobal(globalThis).install({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  try {
    const store = new AsyncLocalStorage<string>();
    const timed: { call: FakeCall; component: string; start: number }[] = [];
    const spans: Span[] = [];
    const fake = new FakeAccount({
      account: ACCOUNT,
      region: REGION,
      now: () => Date.now(),
      seed,
      streamTransition: { ms: MODEL.streamActiveMs },
      streamUpdate: { ms: MODEL.streamUpdateMs },
      rolePropagation: { ms: MODEL.rolePropagationMs },
      latency: async (call) => {
        timed.push({ call, component: store.getStore() ?? '(handler)', start: Date.now() });
        await new Promise((resolve) => setTimeout(resolve, callMs));
      },
    });
    fake.ec2.seedVpcs(MODEL.vpcs);
    fake.cloudformation.setStack(STACK_ID, 'CREATE_IN_PROGRESS');
    const responses: { at: number; body: { Status: string; Reason?: string } }[] = [];
    const handler = createCustomResourceHandler({
      env: {
        PERMISSIONS_BOUNDARY_ARN: `arn:aws:iam::${ACCOUNT}:policy/siem-pipeline/siem-pipeline-boundary-${REGION}`,
        READER_BOUNDARY_ARN: `arn:aws:iam::${ACCOUNT}:policy/siem-pipeline/siem-pipeline-reader-boundary-${REGION}`,
        PROVISIONER_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/siem-bench-ProvisionerRole`,
        STACK_ID,
      },
      // No retryBackoffMs: SDK retries keep their real backoff, on the fake clock.
      clientOptions: { credentials: FAKE_CREDENTIALS, decorate: fake.decorate },
      clock: systemClock,
      waits,
      propagationRetry: DEFAULT_PROPAGATION_RETRY,
      log: createLogger({ level: 'info', sink: () => undefined }),
      put: async (_url, body) => {
        responses.push({ at: Date.now(), body: JSON.parse(body) as { Status: string; Reason?: string } });
      },
      components: timedComponents(store, spans),
    });
    const event = {
      RequestType: 'Create',
      ServiceToken: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:siem-provisioner`,
      ResponseURL: RESPONSE_URL,
      StackId: STACK_ID,
      RequestId: `bench-${seed}`,
      LogicalResourceId: 'Pipeline',
      ResourceType: 'Custom::SiemPipeline',
      ResourceProperties: { ServiceToken: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:siem-provisioner`, ...PROPS },
    } as CloudFormationCustomResourceCreateEvent;

    await drive(clock, handler(event, { getRemainingTimeInMillis: () => 15 * 60_000 }));
    const response = responses[0];
    if (!response) throw new Error('the handler sent no response');

    const calls: TimedCall[] = timed.map(({ call, component, start }) => ({
      index: call.index,
      service: call.service,
      command: call.command,
      component,
      start: start - T0,
      end: start - T0 + callMs,
      outcome: call.outcome ?? 'pending',
    }));
    const relSpans = spans.map((s) => ({ ...s, start: s.start - T0, end: s.end - T0 }));
    const steps = criticalPath(calls, relSpans, 0);
    // A retry: the component's previous call was the same call (command and input), and it failed.
    const previous = new Map<string, { key: string; outcome: string }>();
    let retries = 0;
    for (const [i, c] of calls.entries()) {
      const key = `${c.service}:${c.command} ${JSON.stringify(timed[i].call.input)}`;
      const before = previous.get(c.component);
      if (before && before.key === key && before.outcome !== 'ok') retries++;
      previous.set(c.component, { key, outcome: c.outcome });
    }
    return {
      seed,
      status: response.body.Status,
      ...(response.body.Reason ? { reason: response.body.Reason } : {}),
      wallMs: response.at - T0,
      calls,
      spans: relSpans,
      startInstants: new Set(calls.map((c) => c.start)).size,
      retries,
      waiterPolls: calls.filter((c) => c.command === 'DescribeStream').length,
      path: {
        rounds: steps.length,
        apiMs: steps.reduce((n, s) => n + (s.call.end - s.call.start), 0),
        waitMs: steps.reduce((n, s) => n + s.waitBeforeMs, 0),
        segments: pathSegments(steps),
      },
    };
  } finally {
    clock.uninstall();
    Math.random = realRandom;
  }
}

/**
 * `--runs N` (seeds 1..N); `--waits min,max,total` (seconds) replaces DEFAULT_WAITS for a what-if run;
 * `--call-ms N` replaces the modeled latency of each API call.
 */
function parseArgs(argv: readonly string[]): { runs: number; waits: WaitSettings; callMs: number } {
  const value = (flag: string) => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const runs = Number(value('--runs') ?? 15);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number of at least 1');
  const w = value('--waits')?.split(',').map(Number);
  if (w && (w.length !== 3 || w.some((n) => !(n > 0)))) throw new Error('--waits takes minDelay,maxDelay,maxWaitTime in seconds');
  const callMs = Number(value('--call-ms') ?? MODEL.callMs);
  if (!(callMs > 0)) throw new Error('--call-ms takes a positive number of milliseconds');
  return { runs, waits: w ? { minDelay: w[0], maxDelay: w[1], maxWaitTime: w[2] } : DEFAULT_WAITS, callMs };
}

async function main(): Promise<void> {
  const { runs, waits, callMs } = parseArgs(process.argv.slice(2));
  await warmUp();
  const results: RunResult[] = [];
  for (let seed = 1; seed <= runs; seed++) results.push(await runOnce(seed, waits, callMs));
  process.stdout.write(`${JSON.stringify({ model: { ...MODEL, callMs }, props: PROPS, waits, propagationRetry: DEFAULT_PROPAGATION_RETRY, runs: results })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
