import { GetRoleCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { parsePolicyText } from '../../src/components/policies';
import { ACCOUNT, makeHarness, props, REGION } from './harness';
import { dataRecords, ID, N, TRAIL_ARN } from './sources-helpers';

/** Our own trail only: the CloudTrail -> CloudWatch Logs hop is what this file is about. */
const TRAIL_ON = props({ EnableCloudTrail: 'true' });
const EVENT = { eventSource: 'iam.amazonaws.com', eventName: 'CreateUser', awsRegion: REGION };

/** The trust an earlier version wrote: conditioned on keys CloudTrail never sends for this role. */
const CONDITIONED_TRUST = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': TRAIL_ARN } },
    },
  ],
};

async function trustOf(h: ReturnType<typeof makeHarness>): Promise<unknown> {
  const role = await h.fake.clients().iam.send(new GetRoleCommand({ RoleName: N.trailRole }));
  return parsePolicyText(role.Role!.AssumeRolePolicyDocument!);
}

describe('CloudTrail assumes its CloudWatch Logs role with no context keys (issue 6, defect 1)', () => {
  it('a Create with our own trail succeeds: the role trusts cloudtrail.amazonaws.com plainly and trail events reach the stream', async () => {
    const h = makeHarness();
    const created = await h.simulateEvent('Create', TRAIL_ON);
    expect(created).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    expect(await trustOf(h)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: ['sts:AssumeRole'] }],
    });
    expect(h.fake.snapshot().cloudtrail).toEqual([expect.objectContaining({ arn: TRAIL_ARN, roleArn: N.roleArn(N.trailRole) })]);
    expect(h.fake.cloudtrail.recordEvent(EVENT)).toBe(1);
    const delivered = dataRecords(h.fake).flatMap((r) => (r.kind === 'cwl' ? r.body.logEvents.map((e) => JSON.parse(e.message) as unknown) : []));
    expect(delivered).toEqual([EVENT]);
  });

  it('a conditioned trust (aws:SourceArn / aws:SourceAccount) stops delivery, as on AWS; an Update restores the plain trust and delivery', async () => {
    const h = makeHarness();
    expect(await h.simulateEvent('Create', TRAIL_ON)).toMatchObject({ Status: 'SUCCESS' });
    await h.fake.clients().iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: N.trailRole, PolicyDocument: JSON.stringify(CONDITIONED_TRUST) }));
    expect(h.fake.cloudtrail.recordEvent(EVENT)).toBe(0);

    const updated = await h.simulateEvent('Update', { ...TRAIL_ON, LogRetentionDays: '3' }, { id: ID, props: TRAIL_ON });
    expect(updated).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    expect(await trustOf(h)).toMatchObject({ Statement: [expect.not.objectContaining({ Condition: expect.anything() })] });
    expect(h.fake.cloudtrail.recordEvent(EVENT)).toBe(1);
  });
});
