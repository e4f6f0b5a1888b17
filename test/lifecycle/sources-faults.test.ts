import { makeHarness, STACK_ID, type Harness } from './harness';
import { ALL_ON, ID, stepOf, VPC_COUNT } from './sources-helpers';

/**
 * The number of AWS calls a clean Create with every source on makes against the fake account (SDK waiter
 * polls, paged listings and retried test deliveries included). If a component changes its calls, the first
 * test fails and prints the new call list: update the count so that every call keeps its own cases.
 */
const CALLS = 64;
/** What a clean Create leaves: stream, user, secret, 4 roles, 2 groups + 2 filters, bucket, trail, detector, 3 rules, a flow log per VPC. */
const OWNED = 17 + VPC_COUNT;

const calls = Array.from({ length: CALLS }, (_, i) => i + 1);

function world(): Harness {
  const h = makeHarness();
  h.fake.ec2.seedVpcs(VPC_COUNT);
  return h;
}

describe('a clean Create with every source on', () => {
  it(`makes ${CALLS} AWS calls (the fault-injection tables cover each) and leaves ${OWNED} resources`, async () => {
    const { fake, simulateEvent } = world();
    const res = await simulateEvent('Create', ALL_ON);

    expect(res.Status).toBe('SUCCESS');
    expect(fake.calls.map((c) => `${c.index} ${c.service}:${c.command} (${stepOf(c)})`)).toHaveLength(CALLS);
    expect(fake.resourcesOwnedBy('demo')).toHaveLength(OWNED);
  });
});

describe('a Create with every source on that fails permanently at one call', () => {
  it.each(calls)('call %i: FAILED naming the step that made it, then Delete leaves nothing of ours', async (n) => {
    const { fake, simulateEvent } = world();
    fake.failAt(n);
    const res = await simulateEvent('Create', ALL_ON);
    const failed = fake.calls[n - 1]!;

    expect(failed.outcome).toMatch(/^(AccessDenied|UnauthorizedOperation)/);
    expect(res).toMatchObject({ Status: 'FAILED', PhysicalResourceId: ID });
    expect(res.Reason).toMatch(new RegExp(`^ensure ${stepOf(failed)} failed: `));
    expect(res.Reason).toContain(`not authorized to perform: `);
    expect(res.Reason).toContain(`:${failed.command}`);

    fake.clearFaults();
    const del = await simulateEvent('Delete', ALL_ON, { id: res.PhysicalResourceId });
    expect(del).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    expect(fake.resourcesOwnedBy('demo')).toEqual([]);
    expect(fake.resourcesOwnedBy(STACK_ID)).toEqual([]);
  });
});

describe('a Create with every source on throttled once at one call', () => {
  it.each(calls)('call %i: the SDK retries it and the Create succeeds', async (n) => {
    const { fake, simulateEvent } = world();
    fake.throttleAt(n);
    const res = await simulateEvent('Create', ALL_ON);

    expect(fake.calls[n - 1]!.outcome).toMatch(/^(Throttling|RequestLimitExceeded|SlowDown|TooManyRequests)/);
    expect(res).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    expect(fake.resourcesOwnedBy('demo')).toHaveLength(OWNED);
  });
});
