import { DescribeLogStreamsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateRoleCommand, CreateUserCommand, GetUserCommand, ServiceFailureException, TagUserCommand } from '@aws-sdk/client-iam';
import { CreateStreamCommand, DescribeStreamSummaryCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { FakeAccount } from './account';

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'logs.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

function summary(calls: FakeAccount['calls']): string[] {
  return calls.map((c) => `${c.index} ${c.service}:${c.command} ${c.outcome}`);
}

describe('FakeAccount', () => {
  it('throttles the named operation call once; the SDK standard retry repeats it and the call succeeds', async () => {
    const fake = new FakeAccount().throttleAt('iam:GetUser#1');
    const { iam } = fake.clients();
    await iam.send(new CreateUserCommand({ UserName: 'u' }));
    const out = await iam.send(new GetUserCommand({ UserName: 'u' }));

    expect(out.User?.UserName).toBe('u');
    expect(out.$metadata.attempts).toBe(2);
    expect(summary(fake.calls)).toEqual(['1 iam:CreateUser ok', '2 iam:GetUser Throttling', '3 iam:GetUser ok']);
  });

  it('fails the named operation call permanently: later calls of that operation fail too, other operations work, until clearFaults', async () => {
    const fake = new FakeAccount().failAt('iam:CreateUser#1');
    const { iam } = fake.clients();
    await expect(iam.send(new CreateUserCommand({ UserName: 'u' }))).rejects.toMatchObject({
      name: 'AccessDenied',
      Code: 'AccessDenied',
      message: expect.stringMatching(/is not authorized to perform: iam:CreateUser \(fault injected by the fake account\)$/),
    });
    await expect(iam.send(new CreateUserCommand({ UserName: 'u' }))).rejects.toMatchObject({ name: 'AccessDenied' });
    await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST }));
    fake.clearFaults();
    await iam.send(new CreateUserCommand({ UserName: 'u' }));

    expect(summary(fake.calls)).toEqual(['1 iam:CreateUser AccessDenied', '2 iam:CreateUser AccessDenied', '3 iam:CreateRole ok', '4 iam:CreateUser ok']);
  });

  it('turns a wire code into the service SDK error; a retryable one stays failed through every SDK retry', async () => {
    const fake = new FakeAccount().failAt('iam:CreateUser#1', 'ServiceFailure');
    const { iam } = fake.clients();
    const err = await iam.send(new CreateUserCommand({ UserName: 'u' })).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ServiceFailureException);
    expect(err).toMatchObject({ Code: 'ServiceFailure', $fault: 'server', $metadata: { httpStatusCode: 500, attempts: 6 } });
    expect(fake.calls).toHaveLength(6);
  });

  it('fails every call a predicate matches', async () => {
    const fake = new FakeAccount().failWhen((c) => c.service === 'kinesis' && c.input.StreamName === 'blocked', 'LimitExceededException');
    const { kinesis } = fake.clients();
    await kinesis.send(new CreateStreamCommand({ StreamName: 'open', ShardCount: 1 }));
    await expect(kinesis.send(new CreateStreamCommand({ StreamName: 'blocked', ShardCount: 1 }))).rejects.toMatchObject({ name: 'LimitExceededException' });
  });

  it('never answers a hung command until released', async () => {
    const fake = new FakeAccount().hang('DescribeStreamSummary');
    const { kinesis } = fake.clients();
    const pending = kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 's' }));
    const state = await Promise.race([
      pending.then(
        () => 'answered',
        () => 'failed',
      ),
      new Promise((r) => setTimeout(() => r('still waiting'), 50)),
    ]);

    expect(state).toBe('still waiting');
    expect(fake.calls.map((c) => c.outcome)).toEqual(['hung']);
    fake.releaseHung();
    await expect(pending).rejects.toThrow('fake account: hung call released');
  });

  it('finds what a pipeline owns by tag or deterministic name, and leaves out what others own', async () => {
    const fake = new FakeAccount();
    const { kinesis, iam, secrets } = fake.clients();
    await kinesis.send(new CreateStreamCommand({ StreamName: 'siem-demo', ShardCount: 1 }));
    await kinesis.send(new CreateStreamCommand({ StreamName: 'app-stream', ShardCount: 1 }));
    await iam.send(new CreateUserCommand({ UserName: 'tagged', Tags: [{ Key: 'siem-pipeline:name', Value: 'demo' }] }));
    await iam.send(new CreateUserCommand({ UserName: 'alice', Tags: [{ Key: 'team', Value: 'sec' }] }));
    await secrets.send(new CreateSecretCommand({ Name: 'siem-pipeline/demo/reader-access-key', SecretString: '{}' }));

    expect(fake.resourcesOwnedBy('demo')).toEqual([
      { service: 'kinesis', type: 'stream', id: 'siem-demo' },
      { service: 'iam', type: 'user', id: 'tagged' },
      { service: 'secrets', type: 'secret', id: 'siem-pipeline/demo/reader-access-key' },
    ]);
    const before = fake.snapshot();
    await iam.send(new TagUserCommand({ UserName: 'alice', Tags: [{ Key: 'x', Value: 'y' }] }));
    expect(before).not.toEqual(fake.snapshot());
  });

  it('counts writes apart from reads, and numbers calls afresh after resetCalls', async () => {
    const fake = new FakeAccount();
    const { kinesis } = fake.clients();
    await kinesis.send(new CreateStreamCommand({ StreamName: 's', ShardCount: 1 }));
    fake.resetCalls();
    await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 's' }));

    expect(fake.writes()).toEqual([]);
    expect(summary(fake.calls)).toEqual(['1 kinesis:DescribeStreamSummary ok']);
  });

  it.each([
    [
      'a command the module does not model',
      (f: FakeAccount) => f.clients().kinesis.send(new ListShardsCommand({ StreamName: 's' })),
      /kinesis.ListShards is not modelled/,
    ],
    [
      'another command the fake does not model',
      (f: FakeAccount) => f.clients().logs.send(new DescribeLogStreamsCommand({ logGroupName: 'g' })),
      /logs.DescribeLogStreams is not modelled/,
    ],
  ])('fails loudly on %s', async (_what, call, message) => {
    await expect(call(new FakeAccount())).rejects.toMatchObject({ name: 'FakeNotModelled', message: expect.stringMatching(message) });
  });
});
