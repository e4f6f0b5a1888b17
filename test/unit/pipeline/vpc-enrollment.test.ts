import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  chunk,
  CLIENT_TOKEN_WINDOW_MS,
  flowLogClientToken,
  flowLogGroupExists,
  isRoleNotAssumable,
} from '../../../src/pipeline/vpc-enrollment';
import { createTestContext } from '../helpers/context';

const base = {
  ResourceIds: ['vpc-1', 'vpc-2'],
  ResourceType: 'VPC' as const,
  TrafficType: 'ALL' as const,
  LogGroupName: '/siem-pipeline/test/vpc-flow-logs',
  DeliverLogsPermissionArn: 'arn:aws:iam::123456789012:role/siem-pipeline/siem-test-eu-west-1-flowlogs-to-cwl',
  MaxAggregationInterval: 600,
};
const NOW = 1_700_000_000_000;

describe('flowLogClientToken', () => {
  it('is at most 64 characters, as EC2 allows', () => {
    expect(flowLogClientToken(base, NOW)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is the same for the same VPCs in any order and settings within one window', () => {
    const again = flowLogClientToken({ ...base, ResourceIds: ['vpc-2', 'vpc-1'] }, NOW + 1);
    expect(again).toBe(flowLogClientToken(base, NOW));
  });

  it.each([
    ['other VPCs', { ResourceIds: ['vpc-1'] }, 0],
    ['another traffic type', { TrafficType: 'REJECT' as const }, 0],
    ['another interval', { MaxAggregationInterval: 60 }, 0],
    ['a log format', { LogFormat: '${srcaddr}' }, 0],
    ['another log group', { LogGroupName: '/siem-pipeline/other/vpc-flow-logs' }, 0],
    ['a later window (flow logs turned off and on again)', {}, CLIENT_TOKEN_WINDOW_MS],
  ])('changes with %s', (_name, over, laterMs) => {
    expect(flowLogClientToken({ ...base, ...over }, NOW + laterMs)).not.toBe(flowLogClientToken(base, NOW));
  });
});

describe('chunk', () => {
  it.each([
    [0, []],
    [1, [1]],
    [1000, [1000]],
    [1001, [1000, 1]],
    [2500, [1000, 1000, 500]],
  ])('%i ids -> batches of %j', (n, sizes) => {
    const ids = Array.from({ length: n }, (_, i) => i);
    const batches = chunk(ids);
    expect(batches.map((b) => b.length)).toEqual(sizes);
    expect(batches.flat()).toEqual(ids);
  });
});

describe('isRoleNotAssumable', () => {
  it.each([
    ["Unable to assume given IAM role: 'arn:aws:iam::123456789012:role/x'", true],
    ['unable to assume the given IAM role', true],
    ['Access Denied for DeliverLogsPermissionArn', false],
    ['', false],
    [undefined, false],
  ])('%j -> %s', (message, expected) => {
    expect(isRoleNotAssumable(message)).toBe(expected);
  });
});

describe('flowLogGroupExists', () => {
  const logs = mockClient(CloudWatchLogsClient);
  afterEach(() => logs.reset());
  afterAll(() => logs.restore());

  it.each([
    ['the group itself', ['/siem-pipeline/test/vpc-flow-logs'], true],
    ['only a longer name with the same prefix', ['/siem-pipeline/test/vpc-flow-logs-old'], false],
    ['nothing', [], false],
  ])('when DescribeLogGroups lists %s', async (_name, names, exists) => {
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: names.map((logGroupName) => ({ logGroupName })) });
    const { ctx } = createTestContext();
    await expect(flowLogGroupExists(ctx)).resolves.toBe(exists);
    expect(logs).toHaveReceivedCommandWith(DescribeLogGroupsCommand, { logGroupNamePrefix: '/siem-pipeline/test/vpc-flow-logs', limit: 1 });
  });
});
