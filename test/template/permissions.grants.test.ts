import { CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateDetectorCommand } from '@aws-sdk/client-guardduty';
import { createVpcEnrollerHandler } from '../../src/handlers/vpc-enroller';
import { createLogger } from '../../src/support/log';
import { FAKE_CREDENTIALS } from '../fake/account';
import { actionMatches, loadTemplate } from './template-helpers';
import { instantRetries } from '../fake/sdk';
import { ACCOUNT, REGION, STACK_ID, BOUNDARY, actionsOf, grantedTo, ALL_SOURCES, event, provisioner } from './permission-calls';

describe('the template grants every AWS call the code makes', () => {
  const template = loadTemplate();

  it('provisioner: Create, Update (every setting changed, access switched) and Delete with every source on', async () => {
    const { fake, send } = provisioner();
    fake.ec2.seedVpcs(7);
    const changed = {
      ...ALL_SOURCES,
      ShardCount: '2',
      RetentionHours: '48',
      SiemAccess: 'CrossAccountRole',
      SiemAccountId: '210987654321',
      SiemExternalId: 'external-id-1234',
      FlowLogTrafficType: 'REJECT',
      ExtraEventSources: 'aws.health',
      LogRetentionDays: '3',
      TrailBucketExpirationDays: '14',
    };
    expect(await send(event('Create', ALL_SOURCES))).toBe('SUCCESS');
    expect(await send(event('Update', changed, ALL_SOURCES))).toBe('SUCCESS');
    const asUser = { ...changed, StreamMode: 'ON_DEMAND', SiemAccess: 'IamUser', AccessKeyRotation: '2', SiemAccountId: '', SiemExternalId: '' };
    expect(await send(event('Update', asUser, changed))).toBe('SUCCESS');
    // A customer managed key for the secret: UpdateSecret re-keys it, and its resource policy names a reader.
    const keyed = { ...asUser, SecretKmsKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/k-1`, SecretReaderArns: `arn:aws:iam::${ACCOUNT}:role/siem-connector` };
    expect(await send(event('Update', keyed, asUser))).toBe('SUCCESS');
    expect(await send(event('Delete', ALL_SOURCES))).toBe('SUCCESS');

    const granted = grantedTo(template, 'ProvisionerRole');
    const needed = actionsOf(fake.calls);
    expect(needed.length).toBeGreaterThan(40);
    expect(needed.filter((action) => !granted.some((g) => actionMatches(g, action)))).toEqual([]);
  });

  it('provisioner: adopting a detector and reusing a trail group, then Delete restoring both', async () => {
    const { fake, send } = provisioner();
    const clients = fake.clients();
    await clients.guardduty.send(new CreateDetectorCommand({ Enable: true, FindingPublishingFrequency: 'SIX_HOURS' }));
    await clients.logs.send(new CreateLogGroupCommand({ logGroupName: 'org/trail' }));
    fake.cloudtrail.seedTrail({ name: 'org-trail', logGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:org/trail:*` });
    fake.resetCalls();
    const reuse = { ...ALL_SOURCES, ExistingTrailLogGroup: 'org/trail' };
    expect(await send(event('Create', reuse))).toBe('SUCCESS');
    expect(await send(event('Update', { ...reuse, GuardDutyFindingFrequency: 'ONE_HOUR' }, reuse))).toBe('SUCCESS');
    expect(await send(event('Delete', reuse))).toBe('SUCCESS');

    const granted = grantedTo(template, 'ProvisionerRole');
    const needed = actionsOf(fake.calls);
    expect(needed).toEqual(
      expect.arrayContaining([
        'guardduty:TagResource',
        'guardduty:UntagResource',
        'cloudtrail:DescribeTrails',
        'kinesis:DescribeLimits',
        'kinesis:AddTagsToStream',
        'kinesis:RemoveTagsFromStream',
      ]),
    );
    expect(needed.filter((action) => !granted.some((g) => actionMatches(g, action)))).toEqual([]);
  });

  it('VPC enroller: a sweep that enrolls new VPCs', async () => {
    const { fake, send } = provisioner();
    expect(await send(event('Create', { PipelineName: 'perm', EnableCloudTrail: 'false', EnableGuardDuty: 'false' }))).toBe('SUCCESS');
    fake.ec2.seedVpcs(3);
    fake.resetCalls();
    const handler = createVpcEnrollerHandler({
      env: { PipelineName: 'perm', STACK_ID, PERMISSIONS_BOUNDARY_ARN: BOUNDARY },
      clientOptions: { credentials: FAKE_CREDENTIALS, retryStrategy: instantRetries(), decorate: fake.decorate },
      propagationRetry: { maxAttempts: 10, baseDelayMs: 1, maxDelayMs: 5 },
      log: createLogger({ sink: () => undefined }),
    });
    await expect(handler({ 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} } as never)).resolves.toMatchObject({ created: 3 });
    const granted = grantedTo(template, 'EnrollerRole');
    const needed = actionsOf(fake.calls);
    expect(needed).toEqual(expect.arrayContaining(['ec2:CreateFlowLogs', 'ec2:DescribeVpcs', 'iam:PassRole']));
    expect(needed.filter((action) => !granted.some((g) => actionMatches(g, action)))).toEqual([]);
  });
});
