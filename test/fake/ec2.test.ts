import { CreateFlowLogsCommand, DeleteFlowLogsCommand, DescribeFlowLogsCommand, DescribeVpcsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { FakeAccount } from './account';
import { serviceRole } from './fixtures';

const GROUP = '/siem-pipeline/demo/vpc-flow-logs';

async function allVpcIds(ec2: EC2Client, Filters?: { Name: string; Values: string[] }[]): Promise<string[]> {
  const ids: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ec2.send(new DescribeVpcsCommand({ Filters, NextToken }));
    ids.push(...(page.Vpcs ?? []).map((v) => v.VpcId!));
    NextToken = page.NextToken;
  } while (NextToken);
  return ids;
}

function flowLogs(ec2: EC2Client, ResourceIds: string[], roleArn: string) {
  return ec2.send(
    new CreateFlowLogsCommand({
      ResourceIds,
      ResourceType: 'VPC',
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
      LogGroupName: GROUP,
      DeliverLogsPermissionArn: roleArn,
      MaxAggregationInterval: 60,
      TagSpecifications: [{ ResourceType: 'vpc-flow-log', Tags: [{ Key: 'siem-pipeline:name', Value: 'demo' }] }],
    }),
  );
}

describe('fake EC2', () => {
  it('pages DescribeVpcs well below the VPC count, filters by tag, and checks MaxResults', async () => {
    const fake = new FakeAccount();
    const plain = fake.ec2.seedVpcs(11);
    const excluded = fake.ec2.seedVpcs(1, { 'siem-pipeline:exclude': 'true' });
    const { ec2 } = fake.clients();

    const first = await ec2.send(new DescribeVpcsCommand({}));
    expect(first.Vpcs).toHaveLength(5);
    expect(first.NextToken).toEqual(expect.any(String));
    expect(await allVpcIds(ec2)).toEqual([...plain, ...excluded]);
    expect(await allVpcIds(ec2, [{ Name: 'tag:siem-pipeline:exclude', Values: ['true'] }])).toEqual(excluded);
    await expect(ec2.send(new DescribeVpcsCommand({ MaxResults: 3 }))).rejects.toMatchObject({ name: 'InvalidParameterValue', Code: 'InvalidParameterValue' });
  });

  it('reports per-VPC failures in Unsuccessful[]: unknown VPCs and flow logs that already exist', async () => {
    const fake = new FakeAccount({ rolePropagation: {} });
    const [a, b] = fake.ec2.seedVpcs(2);
    const { ec2 } = fake.clients();
    const role = await serviceRole(fake, 'fl', 'vpc-flow-logs.amazonaws.com', ['logs:CreateLogStream', 'logs:PutLogEvents'], '*', {
      StringEquals: { 'aws:SourceAccount': '123456789012' },
    });
    const first = await flowLogs(ec2, [a], role);
    const second = await flowLogs(ec2, [a, b, 'vpc-0000000000000dead'], role);

    expect(first).toMatchObject({ FlowLogIds: [expect.stringMatching(/^fl-[0-9a-f]{17}$/)], Unsuccessful: [] });
    expect(second.FlowLogIds).toHaveLength(1);
    expect(second.Unsuccessful).toEqual([
      {
        ResourceId: a,
        Error: { Code: 'FlowLogAlreadyExists', Message: 'Error. There is an existing Flow Log with the same configuration and log destination.' },
      },
      { ResourceId: 'vpc-0000000000000dead', Error: { Code: 'InvalidVpcID.NotFound', Message: "The vpc ID 'vpc-0000000000000dead' does not exist" } },
    ]);
  });

  it('refuses the whole call with InvalidParameter while the role cannot be assumed (not propagated, wrong trust), creating nothing', async () => {
    const fake = new FakeAccount({ rolePropagation: { describes: 1 } });
    const vpcs = fake.ec2.seedVpcs(2);
    const { ec2 } = fake.clients();
    const fresh = await serviceRole(fake, 'fresh', 'vpc-flow-logs.amazonaws.com', ['logs:CreateLogStream', 'logs:PutLogEvents'], '*');
    const wrongTrust = await serviceRole(fake, 'wrong', 'logs.amazonaws.com', ['logs:CreateLogStream', 'logs:PutLogEvents'], '*');
    const unassumable = { name: 'InvalidParameter', Code: 'InvalidParameter' };

    await expect(flowLogs(ec2, vpcs, fresh)).rejects.toMatchObject({ ...unassumable, message: `Unable to assume given IAM role: '${fresh}'` });
    await expect(flowLogs(ec2, vpcs, wrongTrust)).rejects.toMatchObject(unassumable);
    await expect(flowLogs(ec2, vpcs, wrongTrust)).rejects.toMatchObject(unassumable);
    expect((await ec2.send(new DescribeFlowLogsCommand({}))).FlowLogs).toEqual([]);
    expect(await flowLogs(ec2, vpcs, fresh)).toMatchObject({ FlowLogIds: [expect.any(String), expect.any(String)], Unsuccessful: [] });
  });

  it('marks delivery FAILED when the role may not write to the group, lists flow logs by log group in pages, and deletes them', async () => {
    const fake = new FakeAccount({ rolePropagation: {} });
    const vpcs = fake.ec2.seedVpcs(7);
    const { ec2 } = fake.clients();
    const wrong = await serviceRole(fake, 'short', 'vpc-flow-logs.amazonaws.com', ['logs:PutLogEvents'], '*');
    const created = await flowLogs(ec2, vpcs, wrong);

    const page1 = await ec2.send(new DescribeFlowLogsCommand({ Filter: [{ Name: 'log-group-name', Values: [GROUP] }] }));
    const page2 = await ec2.send(new DescribeFlowLogsCommand({ Filter: [{ Name: 'log-group-name', Values: [GROUP] }], NextToken: page1.NextToken }));
    expect([...page1.FlowLogs!, ...page2.FlowLogs!].map((f) => f.FlowLogId)).toEqual(created.FlowLogIds);
    expect(page1.FlowLogs![0]).toMatchObject({
      DeliverLogsStatus: 'FAILED',
      DeliverLogsErrorMessage: 'Access error',
      MaxAggregationInterval: 60,
      LogGroupName: GROUP,
    });
    expect(page1.FlowLogs![0].LogFormat).toMatch(/^\$\{version\} \$\{account-id\} .* \$\{log-status\}$/);

    const deleted = await ec2.send(new DeleteFlowLogsCommand({ FlowLogIds: [...created.FlowLogIds!, 'fl-00000000000000000'] }));
    expect(deleted.Unsuccessful).toEqual([{ ResourceId: 'fl-00000000000000000', Error: expect.objectContaining({ Code: 'InvalidFlowLogId.NotFound' }) }]);
    expect(fake.resourcesOwnedBy('demo')).toEqual([]);
  });

  it.each([
    [300, 'accepts'],
    [301, 'refuses'],
  ])('CreateFlowLogs with %i VPC ids: %s (at most 300 per call, the current EC2 API model)', async (n, verdict) => {
    const fake = new FakeAccount({ rolePropagation: {} });
    const vpcs = fake.ec2.seedVpcs(n);
    const { ec2 } = fake.clients();
    const role = await serviceRole(fake, 'fl', 'vpc-flow-logs.amazonaws.com', ['logs:CreateLogStream', 'logs:PutLogEvents'], '*');
    if (verdict === 'refuses') {
      await expect(flowLogs(ec2, vpcs, role)).rejects.toMatchObject({
        name: 'InvalidParameterValue',
        message: 'The number of resource IDs must be between 1 and 300; got 301.',
      });
      expect((await ec2.send(new DescribeFlowLogsCommand({}))).FlowLogs).toEqual([]);
    } else {
      expect((await flowLogs(ec2, vpcs, role)).FlowLogIds).toHaveLength(300);
    }
  });

  it('describes VPCs by id, and answers InvalidVpcID.NotFound for an unknown one', async () => {
    const fake = new FakeAccount();
    const [a, b] = fake.ec2.seedVpcs(2, { team: 'x' });
    const { ec2 } = fake.clients();
    expect((await ec2.send(new DescribeVpcsCommand({ VpcIds: [b] }))).Vpcs).toEqual([
      expect.objectContaining({ VpcId: b, Tags: [{ Key: 'team', Value: 'x' }] }),
    ]);
    expect(a).not.toBe(b);
    await expect(ec2.send(new DescribeVpcsCommand({ VpcIds: ['vpc-0000000000000dead'] }))).rejects.toMatchObject({ name: 'InvalidVpcID.NotFound' });
  });
});
