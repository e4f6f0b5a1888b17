import { gzipSync } from 'node:zlib';
import { isOurCall } from '../../src/cli/commands/smoke';
import { EXIT, run } from '../../src/cli/main';
import { decodeRecord } from '../../src/cli/verify/decode';
import { FakeAccount } from '../fake/account';
import { instantRetries } from '../fake/sdk';
import { credentialEnvGuard } from './stack';
import { bufferIo, N } from '../unit/cli/helpers';

describe('smoke refuses to run', () => {
  const noCredentials = credentialEnvGuard();

  it.each([
    { why: 'without --yes', argv: ['smoke', '--region', 'us-east-1'], says: /smoke creates and deletes a real stack: give --yes to run it/ },
    { why: 'without --region', argv: ['smoke', '--yes'], says: /smoke needs --region: the region of the throwaway stack/ },
    { why: 'without --template-url or --bucket', argv: ['smoke', '--yes', '--region', 'us-east-1'], says: /smoke needs --template-url or --bucket/ },
  ])('$why: exit 2, before any AWS call', async ({ argv, says }) => {
    const fake = new FakeAccount();
    const io = bufferIo();
    const code = await run(argv, io, {
      clientOptions: { credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'x' }, retryStrategy: instantRetries(), decorate: fake.decorate },
      env: { AWS_REGION: 'us-east-1' },
    });
    expect(io.err).toMatch(says);
    expect(code).toBe(EXIT.badInput);
    expect(fake.calls).toEqual([]);
  });

  it('without credentials: exit 3, before anything is created', async () => {
    noCredentials();
    const fake = new FakeAccount();
    const io = bufferIo();
    const code = await run(['smoke', '--region', 'us-east-1', '--yes', '--template-url', 'https://b.s3.amazonaws.com/t.json'], io, {
      clientOptions: { retryStrategy: instantRetries(), decorate: fake.decorate },
    });
    expect(io.err).toMatch(/^error: smoke could not run: no AWS credentials found/);
    expect(code).toBe(EXIT.couldNotRun);
    expect(fake.calls).toEqual([]);
  });
});

describe("isOurCall: the CloudTrail event of the smoke check's own DescribeVpcs", () => {
  const groups = new Set([N.cloudTrailLogGroup]);
  const after = Date.parse('2026-01-01T00:10:00Z');
  const delivery = (logGroup: string, event: Record<string, unknown>) =>
    decodeRecord(
      gzipSync(
        JSON.stringify({ messageType: 'DATA_MESSAGE', logGroup, logStream: 's', logEvents: [{ id: '1', timestamp: after, message: JSON.stringify(event) }] }),
      ),
    );
  const ours = { eventName: 'DescribeVpcs', userAgent: 'aws-sdk-js/3 api/ec2 aws-siem-pipeline/0.1.0', eventTime: '2026-01-01T00:10:02Z' };

  it.each([
    ['our call in the trail group', delivery(N.cloudTrailLogGroup, ours), true],
    ["another tool's DescribeVpcs", delivery(N.cloudTrailLogGroup, { ...ours, userAgent: 'aws-cli/2' }), false],
    ['another event name', delivery(N.cloudTrailLogGroup, { ...ours, eventName: 'DescribeSubnets' }), false],
    ['an event from before the call', delivery(N.cloudTrailLogGroup, { ...ours, eventTime: '2026-01-01T00:05:00Z' }), false],
    ['the flow-log group', delivery(N.flowLogGroup, ours), false],
  ])('%s -> %s', (_what, record, expected) => {
    expect(isOurCall(record, groups, after)).toBe(expected);
  });
});
