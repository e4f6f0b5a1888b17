import { run, EXIT } from '../../src/cli/main';
import { couldNotRun, permissionOf } from '../../src/cli/failures';
import { FakeAccount } from '../fake/account';
import { instantRetries } from '../fake/sdk';
import { credentialEnvGuard } from './stack';
import { bufferIo } from '../unit/cli/helpers';

describe('exit 3: the command could not run, and says which call and which permission', () => {
  const noCredentials = credentialEnvGuard();

  it('no credentials anywhere in the SDK chain (no keys, a profile that does not exist, no instance role)', async () => {
    noCredentials();
    const fake = new FakeAccount();
    const io = bufferIo();

    const code = await run(['audit', '--stack', 'siem', '--region', 'us-east-1'], io, {
      clientOptions: { retryStrategy: instantRetries(), decorate: fake.decorate },
    });

    expect(io.err).toMatch(/^error: audit could not run: no AWS credentials found \(environment, --profile or AWS_PROFILE, SSO, instance role\)/);
    expect(code).toBe(EXIT.couldNotRun);
    // Nothing reached the account: the call failed while signing.
    expect(fake.calls).toEqual([]);
  });

  it('--profile reaches every client (the SDK then reads that profile of the shared config files)', async () => {
    const fake = new FakeAccount();
    const profiles: unknown[] = [];
    const io = bufferIo();
    await run(['audit', '--stack', 'siem', '--region', 'us-east-1', '--profile', 'audit-ro'], io, {
      clientOptions: {
        credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'x' },
        retryStrategy: instantRetries(),
        decorate: (client, service) => {
          profiles.push((client as unknown as { config: { profile?: string } }).config.profile);
          fake.decorate(client, service);
        },
      },
    });
    expect(profiles.length).toBeGreaterThan(0);
    expect(new Set(profiles)).toEqual(new Set(['audit-ro']));
  });

  it('access denied names the call and the IAM permission it needs', async () => {
    const fake = new FakeAccount().failWhen((c) => c.command === 'DescribeStacks');
    const io = bufferIo();
    const code = await run(['plan', '--stack', 'siem', '--region', 'us-east-1'], io, {
      clientOptions: { credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'x' }, retryStrategy: instantRetries(), decorate: fake.decorate },
    });
    expect(io.err).toMatch(
      /^error: plan could not run: access denied: CloudFormation:DescribeStacks needs cloudformation:DescribeStacks: User: .* is not authorized to perform: cloudformation:DescribeStacks/,
    );
    expect(code).toBe(EXIT.couldNotRun);
  });

  it('an endpoint that cannot be reached', async () => {
    const io = bufferIo();
    const code = await run(['audit', '--stack', 'siem', '--region', 'us-east-1'], io, {
      clientOptions: { endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'x' }, retryStrategy: instantRetries(1) },
    });
    expect(io.err).toMatch(/^error: audit could not run: the endpoint could not be reached \(ECONNREFUSED\)/);
    expect(code).toBe(EXIT.couldNotRun);
  });

  it.each([
    ['CloudWatchLogs:DescribeLogGroups', 'logs:DescribeLogGroups'],
    ['EventBridge:ListRules', 'events:ListRules'],
    ['SecretsManager:GetSecretValue', 'secretsmanager:GetSecretValue'],
    ['CloudTrail:GetTrailStatus', 'cloudtrail:GetTrailStatus'],
    ['EC2:DescribeVpcs', 'ec2:DescribeVpcs'],
  ])('permissionOf(%s) = %s', (call, permission) => {
    expect(permissionOf(call)).toBe(permission);
  });

  it('any other error is not a could-not-run case', () => {
    expect(couldNotRun(new Error('boom'))).toBeUndefined();
    expect(couldNotRun(Object.assign(new Error('x'), { name: 'ValidationError' }))).toBeUndefined();
  });
});
