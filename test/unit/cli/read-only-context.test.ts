import { stackIdentity } from '../../../src/engine/stack-identity';
import { parseConfig } from '../../../src/sources/parse';
import { BOUNDARY_ENV, buildContext, READER_BOUNDARY_ENV } from '../../../src/engine/context-from-env';
import { createLogger } from '../../../src/support/log';
import { FakeAccount } from '../../fake/account';
import { STACK_ID } from '../../lifecycle/harness';

describe('buildContext for read-only use (audit)', () => {
  const clients = new FakeAccount().clients();
  const config = parseConfig({ PipelineName: 'demo' });
  const identity = stackIdentity({ StackId: STACK_ID });
  const log = createLogger({ sink: () => undefined });

  it('still refuses a missing permissions boundary unless the context is read-only', () => {
    expect(() => buildContext({ env: {} }, clients, config, identity, log)).toThrow(`${BOUNDARY_ENV} is not set`);
  });

  it('builds without a boundary when read-only, and refuses to hand one out to anything that would create a role', () => {
    const ctx = buildContext({ env: {}, readOnly: true }, clients, config, identity, log);
    expect(ctx.names.streamName).toBe('siem-demo');
    expect(ctx.stackId).toBe(STACK_ID);
    expect(() => ctx.permissionsBoundaryArn).toThrow(/read-only context: PERMISSIONS_BOUNDARY_ARN is not set/);
  });

  it('uses the boundary when one is set, read-only or not', () => {
    const ctx = buildContext({ env: { [BOUNDARY_ENV]: 'arn:aws:iam::123456789012:policy/b' }, readOnly: true }, clients, config, identity, log);
    expect(ctx.permissionsBoundaryArn).toBe('arn:aws:iam::123456789012:policy/b');
  });

  it('hands out the reader boundary separately, and refuses it when it is not set (only the reader needs it)', () => {
    const env = { [BOUNDARY_ENV]: 'arn:aws:iam::123456789012:policy/delivery' };
    const without = buildContext({ env }, clients, config, identity, log);
    expect(without.permissionsBoundaryArn).toBe('arn:aws:iam::123456789012:policy/delivery');
    expect(() => without.readerBoundaryArn).toThrow(`${READER_BOUNDARY_ENV} is not set: the SIEM reader cannot be created without its permissions boundary`);
    const withIt = buildContext({ env: { ...env, [READER_BOUNDARY_ENV]: 'arn:aws:iam::123456789012:policy/reader' } }, clients, config, identity, log);
    expect(withIt.readerBoundaryArn).toBe('arn:aws:iam::123456789012:policy/reader');
  });
});
