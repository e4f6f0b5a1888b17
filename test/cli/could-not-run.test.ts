import { run, EXIT } from '../../src/cli/main';
import { couldNotRun, permissionOf } from '../../src/cli/failures';
import { FakeAccount } from '../fake/account';
import { instantRetries } from '../fake/sdk';
import { bufferIo } from '../unit/cli/helpers';

const CREDENTIAL_ENV = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_EC2_METADATA_DISABLED', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_WEB_IDENTITY_TOKEN_FILE'];

describe('exit 3: the command could not run, and says which call and which permission', () => {
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const k of CREDENTIAL_ENV) saved[k] = process.env[k];
  });
  afterEach(() => {
    for (const k of CREDENTIAL_ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it('no credentials anywhere in the SDK chain (no keys, a profile that does not exist, no instance role)', async () => {
    for (const k of CREDENTIAL_ENV) delete process.env[k];
    Object.assign(process.env, { AWS_PROFILE: 'no-such-profile', AWS_CONFIG_FILE: '/nonexistent/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', AWS_EC2_METADATA_DISABLED: 'true' });
    const fake = new FakeAccount();
    const io = bufferIo();

    const code = await run(['audit', '--stack', 'siem', '--region', 'us-east-1'], io, { clientOptions: { retryStrategy: instantRetries(), decorate: fake.decorate } });

    expect(io.err).toMatch(/^error: audit could not run: no AWS credentials found \(environment, --profile or AWS_PROFILE, SSO, instance role\)/);
    expect(code).toBe(EXIT.couldNotRun);
    // Nothing reached the account: the call failed while signing.
    expect(fake.calls).toEqual([]);
  });

  it('access denied names the call and the IAM permission it needs', async () => {
    const fake = new FakeAccount().failWhen((c) => c.command === 'DescribeStacks');
    const io = bufferIo();
    const code = await run(['plan', '--stack', 'siem', '--region', 'us-east-1'], io, { clientOptions: { credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'x' }, retryStrategy: instantRetries(), decorate: fake.decorate } });
    expect(io.err).toMatch(/^error: plan could not run: access denied: CloudFormation:DescribeStacks needs cloudformation:DescribeStacks: User: .* is not authorized to perform: cloudformation:DescribeStacks/);
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
    ['CloudWatch Logs:DescribeLogGroups', 'logs:DescribeLogGroups'],
    ['EventBridge:ListRules', 'events:ListRules'],
    ['Secrets Manager:GetSecretValue', 'secretsmanager:GetSecretValue'],
    ['EC2:DescribeVpcs', 'ec2:DescribeVpcs'],
  ])('permissionOf(%s) = %s', (call, permission) => {
    expect(permissionOf(call)).toBe(permission);
  });

  it('any other error is not a could-not-run case', () => {
    expect(couldNotRun(new Error('boom'))).toBeUndefined();
    expect(couldNotRun(Object.assign(new Error('x'), { name: 'ValidationError' }))).toBeUndefined();
  });
});
