import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateDetectorCommand } from '@aws-sdk/client-guardduty';
import { REQUEST_STATUSES } from '../../src/handlers/cfn/request-guard';
import { readerSecretPolicy } from '../../src/components/siem-access/secret-policy';
import { createCustomResourceHandler } from '../../src/handlers/custom-resource';
import { createVpcEnrollerHandler } from '../../src/handlers/vpc-enroller';
import { createLogger } from '../../src/support/log';
import { FAKE_CREDENTIALS, FakeAccount, type FakeCall } from '../fake/account';
import { FakeClock } from '../fake/clock';
import {
  crossAccountTrustPolicy,
  eventsToKinesisTrustPolicy,
  flowLogsDeliveryPolicy,
  flowLogsTrustPolicy,
  logsToKinesisTrustPolicy,
  streamReaderPolicy,
  streamWriterPolicy,
  trailBucketPolicy,
  trailDeliveryPolicy,
  trailTrustPolicy,
  type PolicyDocument,
} from '../../src/components/policies';
import { loadConditionKeyTable, resourceTypeFindings, undocumentedKeys, undocumentedTrustKeys } from './condition-key-check';
import {
  actionMatches,
  asArray,
  loadTemplate,
  permissionStatements,
  resourceStrings,
  trustStatements,
  type JsonObject,
  type LocatedStatement,
} from './template-helpers';
import { instantRetries } from '../fake/sdk';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/siem/0d5e9c10-0000-4000-8000-000000000001`;
const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/boundary`;

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
  const i = call.input as Record<string, unknown>;
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

function actionsOf(calls: readonly FakeCall[]): string[] {
  const actions = new Set<string>();
  for (const call of calls) {
    const action = `${IAM_PREFIX[call.service]}:${call.command}`;
    for (const a of RENAMED[action] ?? [action]) actions.add(a);
    for (const a of impliedActions(call)) actions.add(a);
  }
  return [...actions].sort();
}

/** Actions the template grants to a role, through its inline policies and the managed policies it attaches. */
function grantedTo(template: JsonObject, roleId: string): string[] {
  const role = (template.Resources as Record<string, JsonObject>)[roleId]!;
  const managed = asArray((role.Properties as JsonObject).ManagedPolicyArns as JsonObject[] | undefined).map((r) => r.Ref as string);
  return permissionStatements(template)
    .filter(({ where, statement }) => statement.Effect === 'Allow' && (where.startsWith(`${roleId}/`) || managed.includes(where)))
    .flatMap(({ statement }) => asArray(statement.Action));
}

const ALL_SOURCES = {
  PipelineName: 'perm',
  ExtraEventSources: 'aws.securityhub,aws.health',
  GuardDutyOnDelete: 'Delete',
};

function event(type: 'Create' | 'Update' | 'Delete', props: Record<string, string>, old?: Record<string, string>): CloudFormationCustomResourceEvent {
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
function provisioner() {
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
    fake.cloudformation.setStack(STACK_ID, REQUEST_STATUSES[e.RequestType][0]!);
    await handler(e, context);
    return JSON.parse(responses.at(-1)!).Status as string;
  };
  return { fake, send };
}

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

/** Statements of the documents the provisioner writes (src/components/policies.ts), located by builder name. */
function written(docs: Record<string, PolicyDocument>): LocatedStatement[] {
  return Object.entries(docs).flatMap(([where, doc]) =>
    doc.Statement.map((statement) => ({ where, statement: statement as unknown as LocatedStatement['statement'] })),
  );
}

const SCOPE = { partition: 'aws', region: REGION, account: ACCOUNT };
const STREAM_ARN = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/siem-perm`;
const TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/siem-perm`;
const GROUP_ARN = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/siem-pipeline/perm/cloudtrail`;
const WRITTEN = written({
  streamReaderPolicy: streamReaderPolicy(STREAM_ARN),
  streamWriterPolicy: streamWriterPolicy(STREAM_ARN),
  flowLogsDeliveryPolicy: flowLogsDeliveryPolicy(GROUP_ARN),
  trailDeliveryPolicy: trailDeliveryPolicy(GROUP_ARN, ACCOUNT),
  trailBucketPolicy: trailBucketPolicy({ partition: 'aws', account: ACCOUNT, bucket: `siem-perm-${ACCOUNT}-${REGION}`, trailArn: TRAIL_ARN }),
  readerSecretPolicy: readerSecretPolicy({
    provisionerRoleArn: `arn:aws:iam::${ACCOUNT}:role/provisioner`,
    readers: [`arn:aws:iam::${ACCOUNT}:role/siem-connector`],
  }) as unknown as PolicyDocument,
});
const WRITTEN_TRUSTS = written({
  crossAccountTrustPolicy: crossAccountTrustPolicy({ partition: 'aws', trustedAccountId: '210987654321', externalId: 'external-id-1234' }),
  logsToKinesisTrustPolicy: logsToKinesisTrustPolicy(SCOPE, [GROUP_ARN]),
  eventsToKinesisTrustPolicy: eventsToKinesisTrustPolicy(SCOPE, 'siem-perm-'),
  flowLogsTrustPolicy: flowLogsTrustPolicy(SCOPE),
  trailTrustPolicy: trailTrustPolicy(),
});

describe('every condition key is documented for every action of its statement (Service Authorization Reference)', () => {
  const table = loadConditionKeyTable();
  const template = loadTemplate();

  it('the table is dated and names its source, and covers every action of the template and of the written policies', () => {
    expect(table.generated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(table.source.reference).toBe('https://docs.aws.amazon.com/service-authorization/latest/reference/');
    const actions = [...permissionStatements(template), ...WRITTEN].flatMap(({ statement }) => asArray(statement.Action)).filter((a) => !a.includes('*'));
    expect(actions.filter((a) => !table.actions[a])).toEqual([]);
  });

  it.each([
    ['template permission statements', () => undocumentedKeys(permissionStatements(template), table)],
    ['template trust policies', () => undocumentedTrustKeys(trustStatements(template), table)],
    ['policies the provisioner writes', () => undocumentedKeys(WRITTEN, table)],
    ['trust policies the provisioner writes', () => undocumentedTrustKeys(WRITTEN_TRUSTS, table)],
    ['template resources against the SAR resource types', () => resourceTypeFindings(permissionStatements(template), table)],
  ])('%s: no finding', (_what, findings) => {
    expect(findings()).toEqual([]);
  });

  it('passes each delivery role only to the service its trust policy lets assume it (iam:PassedToService)', () => {
    const trustOf: Record<string, PolicyDocument> = {
      'cwl-to-kinesis': logsToKinesisTrustPolicy(SCOPE, [GROUP_ARN]),
      'events-to-kinesis': eventsToKinesisTrustPolicy(SCOPE, 'siem-perm-'),
      'flowlogs-to-cwl': flowLogsTrustPolicy(SCOPE),
      'trail-to-cwl': trailTrustPolicy(),
    };
    const passes = permissionStatements(template).filter(({ statement }) => statement.Effect === 'Allow' && asArray(statement.Action).includes('iam:PassRole'));
    const passedTo = Object.fromEntries(
      passes.map(({ statement }) => [
        resourceStrings(statement)[0]!.split('-${AWS::Region}-')[1],
        asArray((statement.Condition?.StringEquals as JsonObject)['iam:PassedToService'] as string | string[]),
      ]),
    );
    expect(passedTo).toEqual(Object.fromEntries(Object.entries(trustOf).map(([role, doc]) => [role, [doc.Statement[0]!.Principal!.Service]])));
  });

  it('fails on a fixture with keys and resources the SAR does not document', () => {
    const wrong = loadTemplate('test/template/fixtures/wrong-condition-keys.yaml');
    expect(undocumentedKeys(permissionStatements(wrong), table)).toEqual([
      'Wrong/bad/TagOnCreate: aws:ResourceTag/siem-pipeline:stack is not a condition key of guardduty:ListDetectors (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonguardduty.html)',
      'Wrong/bad/PassRole: iam:PassedToService is not a condition key of iam:GetRole (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html)',
    ]);
    expect(undocumentedTrustKeys(trustStatements(wrong), table)).toEqual([
      'Wrong: cloudtrail.amazonaws.com does not send aws:SourceArn when it assumes a role',
      'Wrong: trust of ec2.amazonaws.com, whose request context is undocumented, conditions on aws:SourceAccount',
    ]);
    expect(resourceTypeFindings(permissionStatements(wrong), table)).toEqual([
      'Wrong/bad/Reshard: kinesis:UpdateShardCount has no resource types, so its Resource must be "*"',
      'Wrong/bad/Encrypt: kinesis:StartStreamEncryption needs a kmsKey resource (arn:${Partition}:kms:${Region}:${Account}:key/${KeyId})',
    ]);
  });
});
