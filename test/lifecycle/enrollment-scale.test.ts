// Issue 10's call budget for a sweep, through the real handlers against the fake account with AWS's page size:
// ceil(V/1000) + ceil(F/1000) + ceil(N/300) + 2 calls for V VPCs, F flow logs of ours and N VPCs to enroll.
import { enrollerFor, SCHEDULE_EVENT } from './enroller';
import { makeHarness, props } from './harness';

const PROPS = props({ EnableFlowLogs: 'true' });

describe('a scheduled sweep at scale', () => {
  it.each([
    [10, 5],
    [1_500, 750],
    [2_000, 0],
  ])('%i VPCs, %i covered: within the call budget, CreateFlowLogs in calls of at most 300, logged in a few lines', async (vpcs, covered) => {
    // The delivery role was made long before this sweep: IAM has propagated it.
    const h = makeHarness({ fake: { pageSizes: { ec2: 1000 }, rolePropagation: {} } });
    h.fake.ec2.seedVpcs(covered);
    expect((await h.simulateEvent('Create', PROPS)).Status).toBe('SUCCESS');
    h.fake.ec2.seedVpcs(vpcs - covered);
    const lines: string[] = [];
    const handler = enrollerFor(h, PROPS, lines);
    h.fake.resetCalls();

    await expect(handler(SCHEDULE_EVENT)).resolves.toMatchObject({ vpcs, created: vpcs - covered });

    const toCreate = vpcs - covered;
    const budget = Math.ceil(vpcs / 1000) + Math.ceil(covered / 1000) + Math.ceil(toCreate / 300) + 2;
    expect(h.fake.calls.length).toBeLessThanOrEqual(budget);
    const creates = h.fake.calls.filter((c) => c.command === 'CreateFlowLogs').map((c) => (c.input.ResourceIds as string[]).length);
    expect(creates).toEqual(Array.from({ length: Math.ceil(toCreate / 300) }, (_, i) => Math.min(300, toCreate - i * 300)));
    expect(lines.length).toBeLessThanOrEqual(5);
  });
});
