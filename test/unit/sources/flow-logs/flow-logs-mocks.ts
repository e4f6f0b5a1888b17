// Shared setup of the flow-logs component's tests (split by behaviour): the mocked EC2 and CloudWatch Logs
// clients, the flow logs and VPCs as EC2 reports them, and the exact CreateFlowLogs request.
import {
  CreateFlowLogsCommand,
  DeleteFlowLogsCommand,
  DescribeFlowLogsCommand,
  DescribeVpcsCommand,
  EC2Client,
  type CreateFlowLogsResult,
  type DescribeFlowLogsRequest,
  type DescribeVpcsRequest,
  type FlowLog,
  type UnsuccessfulItem,
  type Vpc,
} from '@aws-sdk/client-ec2';
import { CloudWatchLogsClient, TagResourceCommand } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { TAG_NAME, TAG_STACK } from '../../../../src/config/names';
import { DEFAULT_FLOW_LOG_FORMAT } from '../../../../src/sources/flow-logs/flow-log-plan';
import { createTestContext, instantClock, TEST_ACCOUNT, TEST_STACK_ID, type InstantClock } from '../../helpers/context';

export const ec2 = mockClient(EC2Client);
export const logs = mockClient(CloudWatchLogsClient);

export const GROUP = '/siem-pipeline/test/vpc-flow-logs';
export const ROLE_ARN = `arn:aws:iam::${TEST_ACCOUNT}:role/siem-pipeline/siem-test-eu-west-1-flowlogs-to-cwl`;
export const OUR_TAGS = [
  { Key: TAG_NAME, Value: 'test' },
  { Key: TAG_STACK, Value: TEST_STACK_ID },
];
export const GROUP_FILTER = [{ Name: 'log-group-name', Values: [GROUP] }];

export const vpcIds = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `vpc-${(from + i).toString(16).padStart(8, '0')}`);
export const vpc = (VpcId: string, over: Partial<Vpc> = {}): Vpc => ({ VpcId, OwnerId: TEST_ACCOUNT, State: 'available', ...over });

/** A flow log as DescribeFlowLogs reports one of ours made with the default settings. */
export function flowLog(FlowLogId: string, ResourceId: string, over: Partial<FlowLog> = {}): FlowLog {
  return {
    FlowLogId,
    ResourceId,
    FlowLogStatus: 'ACTIVE',
    DeliverLogsStatus: 'SUCCESS',
    TrafficType: 'ALL',
    LogDestinationType: 'cloud-watch-logs',
    LogGroupName: GROUP,
    DeliverLogsPermissionArn: ROLE_ARN,
    MaxAggregationInterval: 600,
    LogFormat: DEFAULT_FLOW_LOG_FORMAT,
    Tags: OUR_TAGS,
    ...over,
  };
}

/** Serves `items` in pages of `size` with numeric NextTokens, as EC2 pages with MaxResults. */
function paged<T>(items: readonly T[], size: number, token: string | undefined): { page: T[]; NextToken?: string } {
  const start = token ? Number(token) : 0;
  const end = start + size;
  return { page: items.slice(start, end), ...(end < items.length ? { NextToken: String(end) } : {}) };
}

export function serveVpcs(vpcs: readonly Vpc[], pageSize = 1000) {
  ec2.on(DescribeVpcsCommand).callsFake((input: DescribeVpcsRequest) => {
    const { page, NextToken } = paged(vpcs, pageSize, input.NextToken);
    return { Vpcs: page, ...(NextToken ? { NextToken } : {}) };
  });
}

export function serveFlowLogs(flowLogs: readonly FlowLog[], pageSize = 1000) {
  ec2.on(DescribeFlowLogsCommand).callsFake((input: DescribeFlowLogsRequest) => {
    const { page, NextToken } = paged(flowLogs, pageSize, input.NextToken);
    return { FlowLogs: page, ...(NextToken ? { NextToken } : {}) };
  });
}

/** The exact CreateFlowLogs request for the test pipeline with default settings. */
export function createRequest(ResourceIds: string[], over: Record<string, unknown> = {}) {
  return {
    ResourceIds,
    ResourceType: 'VPC',
    TrafficType: 'ALL',
    LogDestinationType: 'cloud-watch-logs',
    LogGroupName: GROUP,
    DeliverLogsPermissionArn: ROLE_ARN,
    MaxAggregationInterval: 600,
    TagSpecifications: [{ ResourceType: 'vpc-flow-log', Tags: OUR_TAGS }],
    ClientToken: expect.stringMatching(/^[0-9a-f]{64}$/),
    ...over,
  };
}

export const unsuccessful = (ResourceId: string, Code: string, Message = `${Code} for ${ResourceId}`): UnsuccessfulItem => ({
  ResourceId,
  Error: { Code, Message },
});
export const created = (ids: readonly string[], failed: UnsuccessfulItem[] = []): CreateFlowLogsResult => ({
  FlowLogIds: ids.filter((id) => !failed.some((f) => f.ResourceId === id)).map((id) => `fl-${id.slice(4)}`),
  Unsuccessful: failed,
});
export const roleNotReady = (id: string) => unsuccessful(id, 'InvalidParameter', `Unable to assume given IAM role: '${ROLE_ARN}'`);

/** A test context on an instant clock (its sleeps recorded), and that clock. */
export function context(clock: InstantClock = instantClock()) {
  return { ...createTestContext({ clock }), clock };
}

/** Registers the mocks' setup for a test file: CreateFlowLogs and DeleteFlowLogs succeed, TagResource answers. */
export function useFlowLogMocks(): void {
  beforeEach(() => {
    ec2.on(CreateFlowLogsCommand).callsFake((input: { ResourceIds: string[] }) => created(input.ResourceIds));
    ec2.on(DeleteFlowLogsCommand).resolves({ Unsuccessful: [] });
    logs.on(TagResourceCommand).resolves({});
  });
  afterEach(() => {
    ec2.reset();
    logs.reset();
  });
  afterAll(() => {
    ec2.restore();
    logs.restore();
  });
}
