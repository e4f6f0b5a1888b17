// Bench entry (run by sweep.mjs through run-ts.mjs): enrollment at scale against the fake account, through the
// real handlers. For each VPC count: a scheduled sweep of the enroller with half the VPCs covered, and the
// provisioner's sweep when every flow log's settings change; then one CreateVpc event. Prints one JSON document.
import { performance } from 'node:perf_hooks';
import { stackIdentity } from '../../src/engine/stack-identity';
import { parseConfig } from '../../src/sources/parse';
import { buildContext } from '../../src/engine/context-from-env';
import { createLogger } from '../../src/support/log';
import { flowLogsComponent } from '../../src/sources/flow-logs/flow-logs';
import { createVpcEvent, enrollerFor, SCHEDULE_EVENT } from '../../test/lifecycle/enroller';
import { BOUNDARY_ARN, makeHarness, props, STACK_ID, type Harness } from '../../test/lifecycle/harness';

const PROPS = props({ EnableFlowLogs: 'true', FlowLogTrafficType: 'ALL' });
const CHANGED = { ...PROPS, FlowLogTrafficType: 'REJECT' };
export interface SweepRow {
  scenario: 'half covered' | 'all settings changed' | 'CreateVpc event';
  vpcs: number;
  /** Flow logs of ours before the run. */
  flowLogs: number;
  /** VPCs that get a new flow log. */
  toCreate: number;
  calls: Record<string, number>;
  total: number;
  wallMs: number;
  logLines: number;
  logBytes: number;
}

/** A pipeline deployed by the real custom resource (flow logs only) over `covered` VPCs, EC2 pages of 1000 as AWS. */
async function deployed(covered: number): Promise<Harness> {
  const h = makeHarness({ fake: { pageSizes: { ec2: 1000 } } });
  h.fake.ec2.seedVpcs(covered);
  const created = await h.simulateEvent('Create', PROPS);
  if (created.Status !== 'SUCCESS') throw new Error(`Create failed: ${created.Reason}`);
  return h;
}

/** Runs `work` against a fresh call log; counts its calls by operation, its log output and its wall time. */
async function measure(
  h: Harness,
  lines: string[],
  work: () => Promise<unknown>,
): Promise<Pick<SweepRow, 'calls' | 'total' | 'wallMs' | 'logLines' | 'logBytes'>> {
  h.fake.resetCalls();
  lines.length = 0;
  const started = performance.now();
  await work();
  const wallMs = performance.now() - started;
  const calls: Record<string, number> = {};
  for (const c of h.fake.calls) calls[`${c.service}:${c.command}`] = (calls[`${c.service}:${c.command}`] ?? 0) + 1;
  return { calls, total: h.fake.calls.length, wallMs, logLines: lines.length, logBytes: lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0) };
}

async function halfCovered(vpcs: number): Promise<SweepRow> {
  const covered = Math.floor(vpcs / 2);
  const h = await deployed(covered);
  h.fake.ec2.seedVpcs(vpcs - covered);
  const lines: string[] = [];
  const handler = enrollerFor(h, PROPS, lines);
  const m = await measure(h, lines, () => handler(SCHEDULE_EVENT));
  return { scenario: 'half covered', vpcs, flowLogs: covered, toCreate: vpcs - covered, ...m };
}

/** The provisioner's flow-log step (an Update that changes FlowLogTrafficType): every flow log is re-created. */
async function allChanged(vpcs: number): Promise<SweepRow> {
  const h = await deployed(vpcs);
  const lines: string[] = [];
  const config = parseConfig(CHANGED);
  const clients = h.fake.clients();
  const ctx = buildContext(
    { env: { PERMISSIONS_BOUNDARY_ARN: BOUNDARY_ARN }, clock: h.clock, propagationRetry: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 10 } },
    clients,
    config,
    stackIdentity({ StackId: STACK_ID }),
    createLogger({ level: 'info', sink: (l) => lines.push(l) }),
  );
  const m = await measure(h, lines, () => flowLogsComponent.ensure(config, ctx));
  return { scenario: 'all settings changed', vpcs, flowLogs: vpcs, toCreate: vpcs, ...m };
}

async function createVpcRun(vpcs: number): Promise<SweepRow> {
  const h = await deployed(vpcs);
  const [vpcId] = h.fake.ec2.seedVpcs(1);
  const lines: string[] = [];
  const handler = enrollerFor(h, PROPS, lines);
  const m = await measure(h, lines, () => handler(createVpcEvent(vpcId)));
  return { scenario: 'CreateVpc event', vpcs: vpcs + 1, flowLogs: vpcs, toCreate: 1, ...m };
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--vpcs');
  const counts = at >= 0 ? process.argv[at + 1].split(',').map(Number) : [10, 100, 1_000, 10_000];
  const rows: SweepRow[] = [];
  for (const v of counts) rows.push(await halfCovered(v));
  for (const v of counts) rows.push(await allChanged(v));
  rows.push(await createVpcRun(counts[counts.length - 1]));
  process.stdout.write(`${JSON.stringify({ rows })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
