import { makeHarness, STACK_ID, type Harness } from './harness';
import { failuresByOperation, pipelineCalls, recordOperations, recordPreflightOperations, REJECTED_ID } from './operations';
import { ALL_ON, ID, stepOf, VPC_COUNT } from './sources-helpers';

/** What a clean Create leaves: stream, user, secret, 4 roles, 2 groups + 2 filters, bucket, trail, detector, 3 rules, a flow log per VPC. */
const OWNED = 17 + VPC_COUNT;
/** Every operation of a clean Create runs twice (fail, throttle) in a fresh account: generous, never asserted. */
const TIMEOUT_MS = 300_000;

function world(): Harness {
  const h = makeHarness();
  h.fake.ec2.seedVpcs(VPC_COUNT);
  return h;
}

async function cleanCreate(): Promise<Harness['fake']> {
  const { fake, simulateEvent } = world();
  const res = await simulateEvent('Create', ALL_ON);
  if (res.Status !== 'SUCCESS') throw new Error(`the clean Create failed: ${res.Reason}`);
  return fake;
}

let ops: string[];
/** The calls the read-only checks make before a Create's first write: they come first, so their labels match. */
let preflightOps: string[];

beforeAll(async () => {
  ops = await recordOperations(cleanCreate);
  preflightOps = await recordPreflightOperations(() => world().fake, ALL_ON);
});

describe('a clean Create with every source on', () => {
  it(`calls every service of the pipeline, each call named by its step, and leaves ${OWNED} resources`, async () => {
    const { fake, simulateEvent } = world();
    await simulateEvent('Create', ALL_ON);

    const calls = pipelineCalls(fake);
    expect(calls.map((c) => c.op)).toEqual(ops);
    expect(calls.map((c) => stepOf(c)).filter((step) => step.startsWith('('))).toEqual([]);
    expect(new Set(calls.map((c) => c.service))).toEqual(new Set(['kinesis', 'iam', 'secrets', 'logs', 's3', 'cloudtrail', 'ec2', 'guardduty', 'events']));
    expect(ops).toEqual(expect.arrayContaining(['kinesis:CreateStream#1', 'cloudtrail:CreateTrail#1', 'ec2:CreateFlowLogs#1', 'guardduty:CreateDetector#1']));
    // The trail-home lookup and the checks before the first write share one read of the trail list.
    expect(ops.filter((op) => op.startsWith('cloudtrail:DescribeTrails#'))).toEqual(['cloudtrail:DescribeTrails#1']);
    expect(fake.resourcesOwnedBy('demo')).toHaveLength(OWNED);
  });
});

describe('a Create with every source on that fails permanently at one operation', () => {
  it(
    'FAILED naming the step that made the call, then Delete leaves nothing of ours: for each operation in turn',
    async () => {
      expect(preflightOps).toEqual(expect.arrayContaining([expect.stringMatching(/^cloudtrail:DescribeTrails#/), 'kinesis:DescribeLimits#1']));
      expect(ops).toEqual(expect.arrayContaining(preflightOps));
      const failures = await failuresByOperation(ops, async (op) => {
        const { fake, simulateEvent } = world();
        fake.failAt(op);
        const res = await simulateEvent('Create', ALL_ON);
        const failed = fake.calls.find((c) => c.op === op)!;

        expect(failed.outcome).toMatch(/^(AccessDenied|UnauthorizedOperation)/);
        // The read-only checks before the first write fail with nothing made (the rejected id); a step fails
        // in its ensure, or in its commit once the whole Create is done (the detector's provisional mark).
        const preflight = preflightOps.includes(op);
        expect(res).toMatchObject({ Status: 'FAILED', PhysicalResourceId: preflight ? REJECTED_ID : ID });
        expect(res.Reason).toMatch(preflight ? /^validate references failed: / : new RegExp(`^(ensure|commit) ${stepOf(failed)} failed: `));
        if (preflight) expect(fake.writes()).toEqual([]);
        expect(res.Reason).toContain(`not authorized to perform: `);
        expect(res.Reason).toContain(`:${failed.command}`);

        fake.clearFaults();
        const del = await simulateEvent('Delete', ALL_ON, { id: res.PhysicalResourceId });
        expect(del).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: res.PhysicalResourceId });
        expect(fake.resourcesOwnedBy('demo')).toEqual([]);
        expect(fake.resourcesOwnedBy(STACK_ID)).toEqual([]);
      });

      expect(ops.length).toBeGreaterThan(0);
      expect(failures).toEqual([]);
    },
    TIMEOUT_MS,
  );
});

describe('a Create with every source on throttled once at one operation', () => {
  it(
    'the SDK retries it and the Create succeeds: for each operation in turn',
    async () => {
      const failures = await failuresByOperation(ops, async (op) => {
        const { fake, simulateEvent } = world();
        fake.throttleAt(op);
        const res = await simulateEvent('Create', ALL_ON);

        expect(fake.calls.find((c) => c.op === op)?.outcome).toMatch(/^(Throttling|RequestLimitExceeded|SlowDown|TooManyRequests)/);
        expect(res).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
        expect(fake.resourcesOwnedBy('demo')).toHaveLength(OWNED);
      });

      expect(ops.length).toBeGreaterThan(0);
      expect(failures).toEqual([]);
    },
    TIMEOUT_MS,
  );
});
