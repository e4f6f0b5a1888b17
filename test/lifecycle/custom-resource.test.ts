import { CreateUserCommand } from '@aws-sdk/client-iam';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { parsePolicyText } from '../../src/components/policies';
import type { FakeAccount } from '../fake/account';
import { ACCOUNT, makeHarness, READER_BOUNDARY_ARN, props, REGION, scanLogsForSecrets, STACK_ID } from './harness';

const ID = `siem-pipeline/${ACCOUNT}/${REGION}/demo`;
const STREAM = 'siem-demo';
const STREAM_ARN = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${STREAM}`;
const USER = `siem-demo-${REGION}-reader`;
const ROLE = `siem-demo-${REGION}-reader`;
const SECRET = 'siem-pipeline/demo/reader-access-key';
const EXTERNAL_ID = 'ext-7f3a9c21-lifecycle-do-not-log';
const OURS = [
  { service: 'kinesis', type: 'stream', id: STREAM },
  { service: 'iam', type: 'user', id: USER },
  { service: 'secrets', type: 'secret', id: SECRET },
];

interface StreamView {
  name: string;
  status: string;
  mode: string;
  openShards: number;
  retentionHours: number;
  encryption: { type: string; keyId?: string };
  tags: Record<string, string>;
}
interface UserView {
  name: string;
  arn: string;
  tags: Record<string, string>;
  boundary?: string;
  policies: Record<string, string>;
  accessKeys: { id: string; status: string }[];
}
interface RoleView {
  name: string;
  arn: string;
  tags: Record<string, string>;
  boundary?: string;
  policies: Record<string, string>;
  trust: string;
}

function streams(fake: FakeAccount): StreamView[] {
  return fake.snapshot().kinesis as StreamView[];
}
function users(fake: FakeAccount): UserView[] {
  return (fake.snapshot().iam as { users: UserView[] }).users;
}
function roles(fake: FakeAccount): RoleView[] {
  return (fake.snapshot().iam as { roles: RoleView[] }).roles;
}
function secretValue(fake: FakeAccount): { accessKeyId: string; secretAccessKey: string; streamName: string; streamArn: string; region: string } {
  return JSON.parse(fake.secrets.currentValue(SECRET) ?? 'null');
}
const OWNER_TAGS = { 'siem-pipeline:name': 'demo', 'siem-pipeline:stack': STACK_ID };

describe('lifecycle: Create', () => {
  it('makes one stream, one user and one secret, also when CloudFormation delivers the Create twice', async () => {
    const { fake, simulateEvent } = makeHarness();
    const first = await simulateEvent('Create', props());
    const second = await simulateEvent('Create', props());

    expect(first).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID, StackId: STACK_ID, LogicalResourceId: 'Pipeline' });
    expect(second).toEqual({ ...first, RequestId: second.RequestId });
    expect(fake.resourcesOwnedBy('demo')).toEqual(OURS);
    expect(streams(fake)).toEqual([
      expect.objectContaining({
        name: STREAM,
        status: 'ACTIVE',
        mode: 'PROVISIONED',
        openShards: 1,
        retentionHours: 24,
        encryption: { type: 'KMS', keyId: 'alias/aws/kinesis' },
        // Kinesis allows no ':' in tags (test/fake/README.md, Kinesis): the stream spells them with '/'.
        tags: { 'siem-pipeline/name': 'demo', 'siem-pipeline/stack': STACK_ID.replace(/:/g, '/') },
      }),
    ]);
    const [user] = users(fake);
    expect(user).toMatchObject({ name: USER, arn: `arn:aws:iam::${ACCOUNT}:user/siem-pipeline/${USER}`, boundary: READER_BOUNDARY_ARN, tags: OWNER_TAGS });
    expect(user.accessKeys).toHaveLength(1);
    expect(secretValue(fake)).toEqual({
      accessKeyId: user.accessKeys[0].id,
      secretAccessKey: fake.iam.issuedSecrets[0],
      streamName: STREAM,
      streamArn: STREAM_ARN,
      region: REGION,
    });
  });

  it('gives the reader only stream-read actions on this stream, and reports outputs without any secret', async () => {
    const { fake, simulateEvent } = makeHarness();
    const res = await simulateEvent('Create', props());

    const policy = parsePolicyText(users(fake)[0].policies['siem-pipeline']) as { Statement: { Action: string[]; Resource: string[] }[] };
    const actions = policy.Statement.flatMap((s) => s.Action);
    expect(actions.every((a) => a.startsWith('kinesis:') && !a.includes('*'))).toBe(true);
    expect(actions).not.toEqual(expect.arrayContaining(['kinesis:PutRecord']));
    expect(policy.Statement.flatMap((s) => s.Resource).every((r) => r.startsWith(STREAM_ARN))).toBe(true);
    expect(res.Data).toMatchObject({
      PipelineName: 'demo',
      Region: REGION,
      StreamName: STREAM,
      StreamArn: STREAM_ARN,
      SecretArn: expect.stringMatching(/^arn:aws:secretsmanager:/),
    });
  });
});

describe('lifecycle: Update', () => {
  it('changes shard count and retention in place, keeping the PhysicalResourceId and the stream', async () => {
    const { fake, simulateEvent } = makeHarness();
    const created = await simulateEvent('Create', props());
    fake.resetCalls();
    const updated = await simulateEvent('Update', props({ ShardCount: '2', RetentionHours: '48' }), { id: created.PhysicalResourceId, props: props() });

    expect(updated).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    expect(streams(fake)).toEqual([expect.objectContaining({ name: STREAM, status: 'ACTIVE', openShards: 2, retentionHours: 48 })]);
    expect(
      fake
        .writes()
        .filter((c) => c.service === 'kinesis')
        .map((c) => c.command),
    ).toEqual(['UpdateShardCount', 'IncreaseStreamRetentionPeriod']);
    expect(fake.writes().filter((c) => /^(Create|Delete)/.test(c.command))).toEqual([]);
  });

  it('replaces the pipeline when PipelineName changes; the Delete of the old id then removes the old pipeline only', async () => {
    const { fake, simulateEvent } = makeHarness();
    const created = await simulateEvent('Create', props());
    const renamed = await simulateEvent('Update', props({ PipelineName: 'other' }), { id: created.PhysicalResourceId, props: props() });

    expect(renamed).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `siem-pipeline/${ACCOUNT}/${REGION}/other` });
    expect(fake.resourcesOwnedBy('other')).toHaveLength(3);
    const cleanup = await simulateEvent('Delete', props(), { id: created.PhysicalResourceId });

    expect(cleanup).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    expect(fake.resourcesOwnedBy('demo')).toEqual([]);
    expect(fake.resourcesOwnedBy('other').map((r) => r.id)).toEqual(['siem-other', `siem-other-${REGION}-reader`, 'siem-pipeline/other/reader-access-key']);
  });

  it('switches IamUser -> CrossAccountRole: removes the user and secret, creates the role with the ExternalId condition', async () => {
    const { fake, simulateEvent } = makeHarness();
    await simulateEvent('Create', props());
    const roleProps = props({ SiemAccess: 'CrossAccountRole', SiemAccountId: '210987654321', SiemExternalId: EXTERNAL_ID });
    const res = await simulateEvent('Update', roleProps, { id: ID, props: props() });

    expect(res).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: ID,
      Data: { ReaderRoleArn: `arn:aws:iam::${ACCOUNT}:role/siem-pipeline/${ROLE}`, SecretArn: '' },
    });
    expect(fake.resourcesOwnedBy('demo')).toEqual([OURS[0], { service: 'iam', type: 'role', id: ROLE }]);
    const [role] = roles(fake);
    expect(role).toMatchObject({ boundary: READER_BOUNDARY_ARN, tags: OWNER_TAGS });
    expect(JSON.parse(role.trust)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::210987654321:root' },
          Action: ['sts:AssumeRole'],
          Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } },
        },
      ],
    });
    expect(fake.snapshot().secrets).toEqual([]);
  });

  it('rotates the access key when AccessKeyRotation changes: the secret holds a new key and the old key is deleted', async () => {
    const { fake, simulateEvent } = makeHarness();
    await simulateEvent('Create', props({ AccessKeyRotation: '2026-01' }));
    const oldKey = secretValue(fake).accessKeyId;
    const res = await simulateEvent('Update', props({ AccessKeyRotation: '2026-02' }), { id: ID, props: props({ AccessKeyRotation: '2026-01' }) });

    expect(res.Status).toBe('SUCCESS');
    const newKey = secretValue(fake).accessKeyId;
    expect(newKey).not.toBe(oldKey);
    expect(users(fake)[0].accessKeys).toEqual([{ id: newKey, status: 'Active' }]);
    expect(secretValue(fake).secretAccessKey).toBe(fake.iam.issuedSecrets[1]);
  });
});

describe('lifecycle: Delete', () => {
  it('removes everything of ours, succeeds when repeated, and leaves what existed before untouched', async () => {
    const { fake, simulateEvent } = makeHarness();
    const clients = fake.clients();
    await clients.kinesis.send(new CreateStreamCommand({ StreamName: 'app-events', ShardCount: 1 }));
    await clients.iam.send(new CreateUserCommand({ UserName: 'alice', Path: '/siem-pipeline/' }));
    await clients.secrets.send(new CreateSecretCommand({ Name: 'siem-pipeline/other/db', SecretString: 'x' }));
    fake.kinesis.settleAll();
    const before = fake.snapshot();

    await simulateEvent('Create', props());
    const first = await simulateEvent('Delete', props(), { id: ID });
    const second = await simulateEvent('Delete', props(), { id: ID });

    expect(first).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    expect(second).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    expect(fake.resourcesOwnedBy('demo')).toEqual([]);
    expect(fake.resourcesOwnedBy(STACK_ID)).toEqual([]);
    expect(fake.snapshot()).toEqual(before);
  });
});

describe('lifecycle: names taken by someone else', () => {
  it('fails a Create whose stream name belongs to another owner, and its Delete leaves that stream alone', async () => {
    const { fake, simulateEvent } = makeHarness();
    await fake.clients().kinesis.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: 3, Tags: { owner: 'data-team' } }));
    fake.kinesis.settleAll();
    const theirs = streams(fake);

    const res = await simulateEvent('Create', props());
    expect(res).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringMatching(/^ensure stream failed: .*siem-demo exists but is not managed by this stack/),
    });
    const del = await simulateEvent('Delete', props(), { id: res.PhysicalResourceId });

    expect(del.Status).toBe('SUCCESS');
    expect(streams(fake)).toEqual(theirs);
    expect(fake.resourcesOwnedBy(STACK_ID)).toEqual([]);
  });
});

describe('lifecycle: invalid properties and timeouts', () => {
  it.each([
    ['ShardCount', { ShardCount: 'many' }, /ShardCount 'many' is not allowed; allowed values: a whole number from 1 to 500/],
    ['StreamMode', { StreamMode: 'FAST' }, /StreamMode 'FAST' is not allowed; allowed values: PROVISIONED, ON_DEMAND/],
    ['SiemAccess', { SiemAccess: 'Root' }, /SiemAccess 'Root' is not allowed; allowed values: IamUser, CrossAccountRole/],
    ['SiemExternalId', { SiemAccess: 'CrossAccountRole', SiemAccountId: '210987654321' }, /SiemExternalId is required when SiemAccess is CrossAccountRole/],
  ])('rejects a bad %s with FAILED naming it and its allowed values, before any AWS write', async (_prop, overrides, reason) => {
    const { fake, simulateEvent } = makeHarness();
    const res = await simulateEvent('Create', props(overrides));

    expect(res).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(reason) });
    expect(fake.writes()).toEqual([]);
    expect(fake.resourcesOwnedBy('demo')).toEqual([]);
  });

  it('sends FAILED before the Lambda times out when an AWS call hangs', async () => {
    const { fake, simulateEvent } = makeHarness({ remainingMs: 1_000, timeoutMarginMs: 900 });
    fake.hang('CreateStream');
    try {
      const res = await simulateEvent('Create', props());

      expect(res).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(/^Timed out: the Create did not finish/) });
      // The response went out while the call was still hanging: the guard answered, not the work.
      expect(fake.calls.filter((c) => c.command === 'CreateStream').map((c) => c.outcome)).toEqual(['hung']);
    } finally {
      fake.releaseHung();
    }
  });

  it('makes no AWS call after the timeout guard has answered, even when the slow call returns later', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { fake, simulateEvent } = makeHarness({
      remainingMs: 1_000,
      timeoutMarginMs: 900,
      fake: { latency: (call) => (call.command === 'CreateStream' ? gate : Promise.resolve()) },
    });
    const res = await simulateEvent('Create', props());
    expect(res.Reason).toMatch(/^Timed out/);
    const callsAtResponse = fake.calls.length;

    release();
    // Let the unfinished work run on: without the deadline it would wait for ACTIVE, tag and encrypt the stream.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.calls.slice(callsAtResponse).map((c) => c.command)).toEqual([]);
    expect(fake.calls.filter((c) => c.command === 'CreateStream')).toHaveLength(1);
  });

  it('after a timed-out Create, the Delete CloudFormation sends for the reported id leaves nothing of ours', async () => {
    const { fake, simulateEvent } = makeHarness({ remainingMs: 1_000, timeoutMarginMs: 900 });
    fake.hang('CreateStream');
    const res = await simulateEvent('Create', props());
    fake.clearFaults().releaseHung();
    const del = await simulateEvent('Delete', props(), { id: res.PhysicalResourceId });

    expect(del.Status).toBe('SUCCESS');
    expect(fake.resourcesOwnedBy('demo')).toEqual([]);
  });
});

scanLogsForSecrets([EXTERNAL_ID]);
