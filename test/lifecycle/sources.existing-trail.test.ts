import { CreateLogGroupCommand, PutRetentionPolicyCommand, PutSubscriptionFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { FakeAccount } from '../fake/account';
import { activeStream, serviceRole } from '../fake/fixtures';
import { ACCOUNT, REGION, scanLogsForSecrets } from './harness';
import { ALL_ON, dataRecords, ID, N } from './sources-helpers';
import { OUR_FILTER, REJECTED, world, on, type GroupView, group, onceRoleHasPropagated, TRAIL_EVENT } from './sources-world';

describe('sources: reusing an existing trail', () => {
  const ORG_GROUP = 'org/cloudtrail';
  const REUSE = on({ ExistingTrailLogGroup: ORG_GROUP });

  /** An organization trail delivering to its own group, which already has one (third-party) subscription. */
  async function orgTrail(fake: FakeAccount): Promise<GroupView> {
    const { logs } = fake.clients();
    await logs.send(new CreateLogGroupCommand({ logGroupName: ORG_GROUP, tags: { team: 'security' } }));
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: ORG_GROUP, retentionInDays: 90 }));
    const archive = await activeStream(fake, 'org-archive');
    const role = await serviceRole(fake, 'org-archive-writer', 'logs.amazonaws.com', ['kinesis:PutRecord'], archive);
    await onceRoleHasPropagated(() =>
      logs.send(
        new PutSubscriptionFilterCommand({ logGroupName: ORG_GROUP, filterName: 'org-archive', filterPattern: '', destinationArn: archive, roleArn: role }),
      ),
    );
    fake.cloudtrail.seedTrail({ name: 'org-trail', multiRegion: true, logGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${ORG_GROUP}:*` });
    return group(fake, ORG_GROUP)!;
  }

  it('creates no trail, bucket or trail role, and subscribes the given group, whose trail events then reach the stream', async () => {
    const { fake, simulateEvent } = world();
    const org = await orgTrail(fake);
    const trails = fake.snapshot().cloudtrail;

    const res = await simulateEvent('Create', REUSE);
    expect(res).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    expect(fake.snapshot().cloudtrail).toEqual(trails);
    expect(fake.snapshot().s3).toEqual([]);
    expect(fake.resourcesOwnedBy('demo').map((r) => r.id)).not.toEqual(expect.arrayContaining([N.trailRole]));
    expect(group(fake, N.cloudTrailLogGroup)).toBeUndefined();
    expect(group(fake, ORG_GROUP)).toEqual({ ...org, filters: [...org.filters, { ...OUR_FILTER, pattern: '' }] });

    const from = fake.kinesis.records(N.streamName).length;
    expect(fake.cloudtrail.recordEvent(TRAIL_EVENT)).toBe(1);
    expect(dataRecords(fake, from)).toEqual([
      {
        kind: 'cwl',
        body: expect.objectContaining({
          messageType: 'DATA_MESSAGE',
          logGroup: ORG_GROUP,
          logEvents: [expect.objectContaining({ message: JSON.stringify(TRAIL_EVENT) })],
        }),
      },
    ]);
  });

  it('switching reuse -> own trail -> reuse -> Delete never leaves a filter of ours on the group it left, and never changes that group', async () => {
    const { fake, simulateEvent } = world();
    const org = await orgTrail(fake);
    const withOurs = { ...org, filters: [...org.filters, { ...OUR_FILTER, pattern: '' }] };

    expect((await simulateEvent('Create', REUSE)).Status).toBe('SUCCESS');
    expect(group(fake, ORG_GROUP)).toEqual(withOurs);

    const own = await simulateEvent('Update', ALL_ON, { id: ID, props: REUSE });
    expect(own).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    expect(group(fake, ORG_GROUP)).toEqual(org);
    expect(group(fake, N.cloudTrailLogGroup)?.filters).toEqual([{ ...OUR_FILTER, pattern: '' }]);
    expect(fake.snapshot().cloudtrail).toEqual(expect.arrayContaining([expect.objectContaining({ name: N.trailName, logging: true })]));

    const back = await simulateEvent('Update', REUSE, { id: ID, props: ALL_ON });
    expect(back).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    expect(group(fake, ORG_GROUP)).toEqual(withOurs);
    expect(group(fake, N.cloudTrailLogGroup)).toBeUndefined();
    expect((fake.snapshot().cloudtrail as { name: string }[]).map((t) => t.name)).toEqual(['org-trail']);
    expect(fake.snapshot().s3).toEqual([]);
    expect(fake.resourcesOwnedBy('demo').map((r) => r.id)).not.toContain(N.trailRole);

    const del = await simulateEvent('Delete', REUSE, { id: ID });
    expect(del).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    expect(group(fake, ORG_GROUP)).toEqual(org);
    expect(fake.resourcesOwnedBy('demo')).toEqual([]);
  });

  it.each([
    ['turning CloudTrail off and clearing ExistingTrailLogGroup together', on({ EnableCloudTrail: 'false' })],
    ['turning CloudTrail off, keeping ExistingTrailLogGroup', on({ EnableCloudTrail: 'false', ExistingTrailLogGroup: ORG_GROUP })],
    ['pointing ExistingTrailLogGroup at another trail group', on({ ExistingTrailLogGroup: 'org/other-trail' })],
  ])('%s takes our filter off the reused group and leaves the group as it was', async (_change, next) => {
    const { fake, simulateEvent } = world();
    const org = await orgTrail(fake);
    await fake.clients().logs.send(new CreateLogGroupCommand({ logGroupName: 'org/other-trail' }));
    fake.cloudtrail.seedTrail({ name: 'org-other-trail', logGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:org/other-trail:*` });
    expect((await simulateEvent('Create', REUSE)).Status).toBe('SUCCESS');

    const res = await simulateEvent('Update', next, { id: ID, props: REUSE });
    expect(res).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    expect(group(fake, ORG_GROUP)).toEqual(org);
    const other = next.ExistingTrailLogGroup === 'org/other-trail' && next.EnableCloudTrail !== 'false';
    expect(group(fake, 'org/other-trail')?.filters).toEqual(other ? [{ ...OUR_FILTER, pattern: '' }] : []);
  });

  it('fails naming ExistingTrailLogGroup, before any write, when the region already has 5 trails; its Delete leaves nothing of ours and the trails as they were', async () => {
    const { fake, simulateEvent } = world();
    for (const n of [1, 2, 3, 4, 5]) fake.cloudtrail.seedTrail({ name: `team-${n}` });
    const trails = fake.snapshot().cloudtrail;
    fake.resetCalls();

    const res = await simulateEvent('Create', ALL_ON);
    expect(res).toMatchObject({ Status: 'FAILED', PhysicalResourceId: REJECTED });
    expect(res.Reason).toMatch(/^PreflightError: us-east-1 already has the most trails CloudTrail allows \(5 per region\): set ExistingTrailLogGroup/);
    expect(fake.writes()).toEqual([]);
    const del = await simulateEvent('Delete', ALL_ON, { id: REJECTED });
    expect(del).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: REJECTED });
    expect(fake.resourcesOwnedBy('demo')).toEqual([]);
    expect(fake.snapshot().cloudtrail).toEqual(trails);
  });

  it('fails naming ExistingTrailLogGroup, before any write, when that group does not exist, and its Delete succeeds', async () => {
    const { fake, simulateEvent } = world();
    const res = await simulateEvent('Create', on({ ExistingTrailLogGroup: 'no/such/group' }));

    expect(res).toMatchObject({ Status: 'FAILED', PhysicalResourceId: REJECTED });
    expect(res.Reason).toMatch(/^PreflightError: ExistingTrailLogGroup no\/such\/group does not exist in account 123456789012, region us-east-1/);
    expect(fake.writes()).toEqual([]);
    expect((await simulateEvent('Delete', on({ ExistingTrailLogGroup: 'no/such/group' }), { id: REJECTED })).Status).toBe('SUCCESS');
    expect(fake.resourcesOwnedBy('demo')).toEqual([]);
  });
});

scanLogsForSecrets([]);
