import { CloudWatchLogsClient, ListTagsForResourceCommand, ResourceNotFoundException } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  chunk,
  CLIENT_TOKEN_WINDOW_MS,
  CREATE_BATCH,
  DELETE_BATCH,
  flowLogClientToken,
  isRoleNotAssumable,
  sample,
} from '../../../../src/sources/flow-logs/vpc-enrollment';
import { settingsGate, settingsKey, SETTINGS_TAG } from '../../../../src/sources/flow-logs/settings-record';
import { createTestContext } from '../../helpers/context';

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
    [0, CREATE_BATCH, []],
    [1, CREATE_BATCH, [1]],
    [300, CREATE_BATCH, [300]],
    [301, CREATE_BATCH, [300, 1]],
    [2500, CREATE_BATCH, [300, 300, 300, 300, 300, 300, 300, 300, 100]],
    [2500, DELETE_BATCH, [1000, 1000, 500]],
  ])('%i ids in batches of %i -> %j', (n, size, sizes) => {
    const ids = Array.from({ length: n }, (_, i) => i);
    const batches = chunk(ids, size);
    expect(batches.map((b) => b.length)).toEqual(sizes);
    expect(batches.flat()).toEqual(ids);
  });
});

describe('sample', () => {
  it.each([
    [0, 0],
    [5, 5],
    [20, 20],
    [10_000, 20],
  ])('%i ids -> the count and the first %i', (n, shown) => {
    const ids = Array.from({ length: n }, (_, i) => `vpc-${i}`);
    expect(sample(ids)).toEqual({ count: n, ids: ids.slice(0, shown) });
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

describe('settingsGate', () => {
  const logs = mockClient(CloudWatchLogsClient);
  afterEach(() => logs.reset());
  afterAll(() => logs.restore());
  const own = { trafficType: 'ALL' as const, maxAggregationInterval: 600 as const };
  const resourceArn = 'arn:aws:logs:eu-west-1:123456789012:log-group:/siem-pipeline/test/vpc-flow-logs';

  it.each([
    ["the enroller's own settings", { [SETTINGS_TAG]: settingsKey(own) }, { state: 'current', recorded: settingsKey(own) }],
    ['no settings (a stack from before the tag)', {}, { state: 'current' }],
    [
      'other settings',
      { [SETTINGS_TAG]: settingsKey({ ...own, trafficType: 'REJECT' }) },
      { state: 'stale', recorded: 'REJECT/600/' + settingsKey(own).split('/')[2], own: settingsKey(own) },
    ],
  ])('when the group records %s', async (_name, tags, gate) => {
    logs.on(ListTagsForResourceCommand).resolves({ tags });
    const { ctx } = createTestContext();
    await expect(settingsGate(own, ctx)).resolves.toEqual(gate);
    expect(logs).toHaveReceivedCommandWith(ListTagsForResourceCommand, { resourceArn });
  });

  it('is no-group when the flow-log group does not exist', async () => {
    logs.on(ListTagsForResourceCommand).rejects(new ResourceNotFoundException({ message: 'The specified log group does not exist.', $metadata: {} }));
    const { ctx } = createTestContext();
    await expect(settingsGate(own, ctx)).resolves.toEqual({ state: 'no-group' });
  });

  it('throws any other error', async () => {
    logs.on(ListTagsForResourceCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const { ctx } = createTestContext();
    await expect(settingsGate(own, ctx)).rejects.toThrow('denied');
  });

  it.each([
    ['traffic type', { trafficType: 'REJECT' as const }],
    ['interval', { maxAggregationInterval: 60 as const }],
    ['format', { logFormat: '${srcaddr} ${dstaddr}' }],
  ])('settingsKey changes with the %s and fits a tag value', (_name, over) => {
    expect(settingsKey({ ...own, ...over })).not.toBe(settingsKey(own));
    expect(settingsKey({ ...own, ...over })).toMatch(/^[A-Z]+\/(60|600)\/[0-9a-f]{12}$/);
  });

  it('settingsKey treats the default format written out as the default', () => {
    const written =
      '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}';
    expect(settingsKey({ ...own, logFormat: written })).toBe(settingsKey(own));
  });
});
