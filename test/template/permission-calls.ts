// Shared by the permissions*.test.ts suites: the IAM actions behind the calls the code makes, and a provisioner on the fake account.
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { REQUEST_STATUSES } from '../../src/handlers/cfn/request-guard';
import { createCustomResourceHandler } from '../../src/handlers/custom-resource';
import { createLogger } from '../../src/support/log';
import { FAKE_CREDENTIALS, FakeAccount, type FakeCall } from '../fake/account';
import { FakeClock } from '../fake/clock';
import { asArray, permissionStatements, type JsonObject } from './template-helpers';
import { instantRetries } from '../fake/sdk';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/siem/0d5e9c10-0000-4000-8000-000000000001`;
export const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/boundary`;

/** The IAM prefix of each client of src/aws/clients.ts. */
const IAM_PREFIX: Record<string, string> = {
  kinesis: 'kinesis',
  iam: 'iam',
  secrets: 'secretsmanager',
  logs: 'logs',
  cloudtrail: 'cloudtrail',
  s3: 's3',
  ec2: 'ec2',
  guardduty: 'guardduty',
  events: 'events',
  cloudformation: 'cloudformation',
};

/** API operations whose IAM action has another name. */
const RENAMED: Record<string, string[]> = {
  's3:PutPublicAccessBlock': ['s3:PutBucketPublicAccessBlock'],
  's3:GetPublicAccessBlock': ['s3:GetBucketPublicAccessBlock'],
  's3:PutBucketEncryption': ['s3:PutEncryptionConfiguration'],
  's3:GetBucketEncryption': ['s3:GetEncryptionConfiguration'],
  's3:PutBucketLifecycleConfiguration': ['s3:PutLifecycleConfiguration'],
  's3:GetBucketLifecycleConfiguration': ['s3:GetLifecycleConfiguration'],
  's3:ListObjectVersions': ['s3:ListBucketVersions'],
  's3:ListObjectsV2': ['s3:ListBucket'],
  's3:HeadBucket': ['s3:ListBucket'],
  's3:DeleteObjects': ['s3:DeleteObject', 's3:DeleteObjectVersion'],
};

/** Actions AWS also authorises when a call carries tags or passes a role (tag-on-create, PassRole). */
function impliedActions(call: FakeCall): string[] {
  const i = call.input;
  const implied: Record<string, () => string[]> = {
    'kinesis:CreateStream': () => (i.Tags ? ['kinesis:AddTagsToStream'] : []),
    'iam:CreateRole': () => (i.Tags ? ['iam:TagRole'] : []),
    'iam:CreateUser': () => (i.Tags ? ['iam:TagUser'] : []),
    'secrets:CreateSecret': () => (i.Tags ? ['secretsmanager:TagResource'] : []),
    'logs:CreateLogGroup': () => (i.tags ? ['logs:TagResource'] : []),
    'logs:PutSubscriptionFilter': () => (i.roleArn ? ['iam:PassRole'] : []),
    'cloudtrail:CreateTrail': () => [...(i.TagsList ? ['cloudtrail:AddTags'] : []), ...(i.CloudWatchLogsRoleArn ? ['iam:PassRole'] : [])],
    'cloudtrail:UpdateTrail': () => (i.CloudWatchLogsRoleArn ? ['iam:PassRole'] : []),
    'ec2:CreateFlowLogs': () => ['ec2:CreateTags', 'iam:PassRole'],
    'events:PutRule': () => (i.Tags ? ['events:TagResource'] : []),
    'events:PutTargets': () => ['iam:PassRole'],
    'guardduty:CreateDetector': () => (i.Tags ? ['guardduty:TagResource'] : []),
    's3:CreateBucket': () => ((i.CreateBucketConfiguration as { Tags?: unknown } | undefined)?.Tags ? ['s3:TagResource'] : []),
  };
  return implied[`${call.service}:${call.command}`]?.() ?? [];
}

export function actionsOf(calls: readonly FakeCall[]): string[] {
  const actions = new Set<string>();
  for (const call of calls) {
    const action = `${IAM_PREFIX[call.service]}:${call.command}`;
    for (const a of RENAMED[action] ?? [action]) actions.add(a);
    for (const a of impliedActions(call)) actions.add(a);
  }
  return [...actions].sort();
}

/** Actions the template grants to a role, through its inline policies and the managed policies it attaches. */
export function grantedTo(template: JsonObject, roleId: string): string[] {
  const role = (template.Resources as Record<string, JsonObject>)[roleId];
  const managed = asArray((role.Properties as JsonObject).ManagedPolicyArns as JsonObject[] | undefined).map((r) => r.Ref as string);
  return permissionStatements(template)
    .filter(({ where, statement }) => statement.Effect === 'Allow' && (where.startsWith(`${roleId}/`) || managed.includes(where)))
    .flatMap(({ statement }) => asArray(statement.Action));
}

export const ALL_SOURCES = {
  PipelineName: 'perm',
  ExtraEventSources: 'aws.securityhub,aws.health',
  GuardDutyOnDelete: 'Delete',
};

export function event(type: 'Create' | 'Update' | 'Delete', props: Record<string, string>, old?: Record<string, string>): CloudFormationCustomResourceEvent {
  const base = {
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provisioner',
    ResponseURL: 'https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com/response',
    StackId: STACK_ID,
    RequestId: `req-${type}`,
    LogicalResourceId: 'Pipeline',
    ResourceType: 'Custom::SiemPipeline',
    ResourceProperties: { ServiceToken: 'x', ...props },
  };
  if (type === 'Create') return { ...base, RequestType: 'Create' };
  const PhysicalResourceId = `siem-pipeline/${ACCOUNT}/${REGION}/perm`;
  if (type === 'Delete') return { ...base, RequestType: 'Delete', PhysicalResourceId };
  return { ...base, RequestType: 'Update', PhysicalResourceId, OldResourceProperties: { ServiceToken: 'x', ...old } };
}

/** The real provisioner on a fake account, as CloudFormation would call it. */
export function provisioner() {
  const clock = new FakeClock();
  const fake = new FakeAccount({ account: ACCOUNT, region: REGION, now: () => clock.now() });
  const responses: string[] = [];
  const handler = createCustomResourceHandler({
    env: {
      PERMISSIONS_BOUNDARY_ARN: BOUNDARY,
      READER_BOUNDARY_ARN: `${BOUNDARY}-reader`,
      PROVISIONER_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/provisioner`,
      STACK_ID,
    },
    clientOptions: { credentials: FAKE_CREDENTIALS, retryStrategy: instantRetries(), decorate: fake.decorate },
    waits: { minDelay: 0.001, maxDelay: 0.005, maxWaitTime: 1 },
    propagationRetry: { maxAttempts: 10, baseDelayMs: 1, maxDelayMs: 5 },
    clock,
    log: createLogger({ sink: () => undefined }),
    put: async (_url, body) => void responses.push(body),
  });
  const context = { getRemainingTimeInMillis: () => 600_000 };
  const send = async (e: CloudFormationCustomResourceEvent) => {
    fake.cloudformation.setStack(STACK_ID, REQUEST_STATUSES[e.RequestType][0]);
    await handler(e, context);
    return JSON.parse(responses.at(-1)!).Status as string;
  };
  return { fake, send };
}
