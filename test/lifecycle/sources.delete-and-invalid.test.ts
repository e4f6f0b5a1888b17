import { CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateFlowLogsCommand } from '@aws-sdk/client-ec2';
import { CreateDetectorCommand } from '@aws-sdk/client-guardduty';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { serviceRole } from '../fake/fixtures';
import { scanLogsForSecrets, STACK_ID } from './harness';
import { ALL_ON, ID, inventory, N, VPC_COUNT } from './sources-helpers';
import { EXCLUDE, world, on, allFlowLogs, onceRoleHasPropagated } from './sources-world';

describe('sources: Delete', () => {
  it('removes everything of ours, twice in a row, and leaves what existed before exactly as it was', async () => {
    const { fake, simulateEvent, vpcs } = world();
    const [excluded] = fake.ec2.seedVpcs(1, EXCLUDE);
    const clients = fake.clients();
    // Someone else's detector (adopted, never deleted), trail, bucket with a log file, and flow logs on our VPCs.
    const detector = await clients.guardduty.send(new CreateDetectorCommand({ Enable: true, FindingPublishingFrequency: 'ONE_HOUR' }));
    await clients.s3.send(new CreateBucketCommand({ Bucket: 'corp-audit-logs' }));
    await clients.s3.send(new PutObjectCommand({ Bucket: 'corp-audit-logs', Key: 'AWSLogs/2026/01/01/log.json.gz', Body: 'x' }));
    fake.cloudtrail.seedTrail({ name: 'corp-audit', bucket: 'corp-audit-logs' });
    await clients.logs.send(new CreateLogGroupCommand({ logGroupName: 'corp/flow-logs' }));
    const corpRole = await serviceRole(fake, 'corp-flow-logs', 'vpc-flow-logs.amazonaws.com', ['logs:CreateLogStream', 'logs:PutLogEvents'], '*');
    await onceRoleHasPropagated(() =>
      clients.ec2.send(
        new CreateFlowLogsCommand({
          ResourceIds: [...vpcs.slice(0, 3), excluded],
          ResourceType: 'VPC',
          TrafficType: 'ALL',
          LogGroupName: 'corp/flow-logs',
          DeliverLogsPermissionArn: corpRole,
        }),
      ),
    );
    const before = fake.snapshot();

    const props = on({ GuardDutyFindingFrequency: 'ONE_HOUR' });
    const created = await simulateEvent('Create', props);
    expect(created).toMatchObject({ Status: 'SUCCESS', Data: { GuardDutyDetectorId: detector.DetectorId } });
    expect(fake.calls.filter((c) => c.command === 'CreateDetector')).toHaveLength(1); // the test's own
    const flowLogs = await allFlowLogs(fake);
    expect(flowLogs.filter((f) => f.ResourceId === excluded).map((f) => f.LogGroupName)).toEqual(['corp/flow-logs']);
    expect(flowLogs.filter((f) => f.LogGroupName === N.flowLogGroup)).toHaveLength(VPC_COUNT);

    const first = await simulateEvent('Delete', props, { id: ID });
    const second = await simulateEvent('Delete', props, { id: ID });
    expect(first).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    expect(second).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    expect(fake.resourcesOwnedBy('demo')).toEqual([]);
    expect(fake.resourcesOwnedBy(STACK_ID)).toEqual([]);
    expect(fake.snapshot()).toEqual(before);
  });

  it.each([
    ['Delete', []],
    ['Retain', [{ service: 'guardduty', type: 'detector', id: expect.any(String) }]],
  ])('GuardDutyOnDelete=%s: a detector this stack created is deleted only when asked', async (onDelete, left) => {
    const { fake, simulateEvent } = world();
    const props = on({ GuardDutyOnDelete: onDelete });
    expect((await simulateEvent('Create', props)).Status).toBe('SUCCESS');
    const del = await simulateEvent('Delete', props, { id: ID });

    expect(del).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    expect(fake.resourcesOwnedBy('demo')).toEqual(left);
    expect(fake.writes().filter((c) => c.command === 'DeleteDetector')).toHaveLength(left.length === 0 ? 1 : 0);
  });
});

describe('sources: invalid settings', () => {
  it.each([
    [
      'ExtraEventSources',
      { ExtraEventSources: 'aws.health,securityhub' },
      /ExtraEventSources has invalid item\(s\) 'securityhub'; allowed values: comma-separated EventBridge sources such as aws\.securityhub/,
    ],
    ['FlowLogAggregationInterval', { FlowLogAggregationInterval: '30' }, /FlowLogAggregationInterval '30' is not allowed; allowed values: 60, 600/],
    ['FlowLogTrafficType', { FlowLogTrafficType: 'DENY' }, /FlowLogTrafficType 'DENY' is not allowed; allowed values: ALL, ACCEPT, REJECT/],
    [
      'FlowLogFormat',
      { FlowLogFormat: '${version} srcaddr' },
      /FlowLogFormat '\$\{version\} srcaddr' is not allowed; allowed values: space-separated \$\{field\} names/,
    ],
    ['LogRetentionDays', { LogRetentionDays: '2' }, /LogRetentionDays '2' is not allowed; allowed values: 1, 3, 5, 7, 14/],
    [
      'TrailBucketExpirationDays',
      { TrailBucketExpirationDays: '0' },
      /TrailBucketExpirationDays '0' is not allowed; allowed values: a whole number from 1 to 3650/,
    ],
    [
      'ExistingTrailLogGroup',
      { ExistingTrailLogGroup: 'org trail' },
      /ExistingTrailLogGroup 'org trail' is not allowed; allowed values: a CloudWatch Logs group name/,
    ],
    [
      'GuardDutyFindingFrequency',
      { GuardDutyFindingFrequency: 'DAILY' },
      /GuardDutyFindingFrequency 'DAILY' is not allowed; allowed values: FIFTEEN_MINUTES, ONE_HOUR, SIX_HOURS/,
    ],
    ['GuardDutyOnDelete', { GuardDutyOnDelete: 'Destroy' }, /GuardDutyOnDelete 'Destroy' is not allowed; allowed values: Retain, Delete/],
    ['EnableFlowLogs', { EnableFlowLogs: 'yes' }, /EnableFlowLogs 'yes' is not allowed; allowed values: true, false/],
  ])('a Create with a bad %s fails naming it and its allowed values, before any AWS call', async (_prop, bad, reason) => {
    const { fake, simulateEvent } = world();
    const res = await simulateEvent('Create', on(bad));

    expect(res).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(reason) });
    expect(fake.calls).toEqual([]);
  });

  it('an Update with a bad setting fails before any AWS write and keeps the PhysicalResourceId', async () => {
    const { fake, simulateEvent } = world();
    await simulateEvent('Create', ALL_ON);
    const before = inventory(fake);
    fake.resetCalls();

    const res = await simulateEvent('Update', on({ ExtraEventSources: 'securityhub' }), { id: ID, props: ALL_ON });
    expect(res).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: ID,
      Reason: expect.stringMatching(/ExtraEventSources has invalid item\(s\) 'securityhub'/),
    });
    expect(fake.writes()).toEqual([]);
    expect(inventory(fake)).toEqual(before);
  });
});

scanLogsForSecrets([]);
