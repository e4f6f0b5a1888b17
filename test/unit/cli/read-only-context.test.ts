import { stackIdentity } from '../../../src/cfn/identity';
import { parseConfig } from '../../../src/config/pipeline-config';
import { BOUNDARY_ENV, buildContext } from '../../../src/context-factory';
import { createLogger } from '../../../src/log';
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
});
