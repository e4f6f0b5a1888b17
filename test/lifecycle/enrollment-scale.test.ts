// Issue 10's call budget for a sweep, through the real handlers against the fake account with AWS's page size:
// ceil(V/1000) + ceil(F/1000) + ceil(N/300) + 2 calls for V VPCs, F flow logs of ours and N VPCs to enroll.
import { createVpcEnrollerHandler, type EnrollerEvent } from '../../src/handlers/vpc-enroller';
import { createLogger } from '../../src/log';
import { FAKE_CREDENTIALS } from '../fake/account';
import { instantRetries } from '../fake/sdk';
import { ACCOUNT, BOUNDARY_ARN, makeHarness, props, REGION, STACK_ID } from './harness';

const PROPS = props({ EnableFlowLogs: 'true' });
const schedule: EnrollerEvent = {
  version: '0',
  id: 'sched',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: ACCOUNT,
  time: '2026-01-01T00:00:00Z',
  region: REGION,
  resources: [],
  detail: {},
};

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
    const handler = createVpcEnrollerHandler({
      env: { ...PROPS, STACK_ID, PERMISSIONS_BOUNDARY_ARN: BOUNDARY_ARN },
      clientOptions: { credentials: FAKE_CREDENTIALS, retryStrategy: instantRetries(), decorate: h.fake.decorate },
      clock: h.clock,
      log: createLogger({ level: 'info', sink: (l) => lines.push(l) }),
    });
    h.fake.resetCalls();

    await expect(handler(schedule)).resolves.toMatchObject({ vpcs, created: vpcs - covered });

    const toCreate = vpcs - covered;
    const budget = Math.ceil(vpcs / 1000) + Math.ceil(covered / 1000) + Math.ceil(toCreate / 300) + 2;
    expect(h.fake.calls.length).toBeLessThanOrEqual(budget);
    const creates = h.fake.calls.filter((c) => c.command === 'CreateFlowLogs').map((c) => (c.input.ResourceIds as string[]).length);
    expect(creates).toEqual(Array.from({ length: Math.ceil(toCreate / 300) }, (_, i) => Math.min(300, toCreate - i * 300)));
    expect(lines.length).toBeLessThanOrEqual(5);
  });
});
