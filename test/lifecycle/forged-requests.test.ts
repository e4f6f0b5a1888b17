import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { REQUEST_STATUSES } from '../../src/handlers/cfn/request-guard';
import { ACCOUNT, makeHarness, props, REGION, scanLogsForSecrets, STACK_ID, type Harness } from './harness';

const ID = `siem-pipeline/${ACCOUNT}/${REGION}/demo`;
const OTHER_STACK = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/attacker/0b1c2d3e-0000-4000-8000-00000000beef`;
const ATTACKER_EXTERNAL_ID = 'attacker-ext-id-9d1e';
type Event = CloudFormationCustomResourceEvent;

/** A pipeline made by a legitimate Create; the stack then rests in UPDATE_COMPLETE and the call log is empty. */
async function deployed(): Promise<{ h: Harness; before: Record<string, unknown> }> {
  const h = makeHarness();
  expect((await h.simulateEvent('Create', props())).Status).toBe('SUCCESS');
  h.fake.cloudformation.setStack(STACK_ID, 'UPDATE_COMPLETE');
  h.fake.resetCalls();
  return { h, before: h.fake.snapshot() };
}

function logged(h: Harness): Record<string, unknown>[] {
  return h.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('forged custom resource requests change nothing', () => {
  it.each<[string, (h: Harness) => Event, string, RegExp]>([
    [
      'a Create for another stack (a second pipeline)',
      (h) => ({ ...h.eventFor('Create', props({ PipelineName: 'second' })), StackId: OTHER_STACK }),
      'siem-pipeline/rejected/Pipeline',
      /^RequestRefusedError: the request is for stack arn:aws:cloudformation:us-east-1:123456789012:stack\/attacker\//,
    ],
    [
      'a Delete of our pipeline while the stack is at rest',
      (h) => h.eventFor('Delete', props(), { id: ID }),
      ID,
      /^RequestRefusedError: CloudFormation sends no Delete while the stack is UPDATE_COMPLETE/,
    ],
    [
      'an Update that adds a reader role trusting another account',
      (h) =>
        h.eventFor('Update', props({ SiemAccess: 'CrossAccountRole', SiemAccountId: '999999999999', SiemExternalId: ATTACKER_EXTERNAL_ID }), {
          id: ID,
          props: props(),
        }),
      ID,
      /^RequestRefusedError: CloudFormation sends no Update while the stack is UPDATE_COMPLETE/,
    ],
  ])('%s: answered FAILED, refusal logged, no write', async (_what, forge, physicalId, reason) => {
    const { h, before } = await deployed();
    const sent = await h.sendRaw(forge(h));
    expect(sent).toEqual([expect.objectContaining({ Status: 'FAILED', PhysicalResourceId: physicalId, Reason: expect.stringMatching(reason) })]);
    expect(h.fake.writes()).toEqual([]);
    expect(h.fake.snapshot()).toEqual(before);
    expect(logged(h)).toContainEqual(expect.objectContaining({ level: 'warn', message: 'request refused', reason: expect.stringMatching(reason) }));
  });

  it.each([
    ['http', 'http://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x?X-Amz-Signature=forged1'],
    ['a host outside AWS', 'https://collector.attacker.example/x?X-Amz-Signature=forged2'],
  ])('a request whose ResponseURL uses %s: no PUT, no AWS call, the log says why without the URL', async (_what, url) => {
    const { h, before } = await deployed();
    h.fake.cloudformation.setStack(STACK_ID, 'DELETE_IN_PROGRESS');
    const sent = await h.sendRaw({ ...h.eventFor('Delete', props(), { id: ID }), ResponseURL: url });
    expect(sent).toEqual([]);
    expect(h.fake.calls).toEqual([]);
    expect(h.fake.snapshot()).toEqual(before);
    const refusal = logged(h).find((l) => l.message === 'request refused: no response sent, nothing done');
    expect(refusal).toEqual(expect.objectContaining({ level: 'error', reason: expect.stringMatching(/^the ResponseURL/) }));
    expect(h.logs.join('\n')).not.toContain('forged');
  });
});

describe('the stack status read by the guard', () => {
  it('denied: the Delete is refused FAILED and changes nothing', async () => {
    const { h, before } = await deployed();
    h.fake.cloudformation.setStack(STACK_ID, 'DELETE_IN_PROGRESS');
    h.fake.failAt('cloudformation:DescribeStacks#1');
    const sent = await h.sendRaw(h.eventFor('Delete', props(), { id: ID }));
    expect(sent).toEqual([
      expect.objectContaining({
        Status: 'FAILED',
        PhysicalResourceId: ID,
        Reason: expect.stringMatching(/^RequestRefusedError: the stack's status could not be read: AccessDenied/),
      }),
    ]);
    expect(h.fake.writes()).toEqual([]);
    expect(h.fake.snapshot()).toEqual(before);
  });

  it('throttled once: the SDK retries and the Delete goes ahead', async () => {
    const { h } = await deployed();
    h.fake.cloudformation.setStack(STACK_ID, 'DELETE_IN_PROGRESS');
    h.fake.throttleAt('cloudformation:DescribeStacks#1');
    const [response] = await h.sendRaw(h.eventFor('Delete', props(), { id: ID }));
    expect(response).toEqual(expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: ID }));
    expect(h.fake.resourcesOwnedBy('demo')).toEqual([]);
  });
});

describe('legitimate requests in every status CloudFormation sends them', () => {
  it.each(REQUEST_STATUSES.Delete.map((s) => [s]))('a Delete while the stack is %s removes the pipeline', async (status) => {
    const { h } = await deployed();
    h.fake.cloudformation.setStack(STACK_ID, status);
    const [response] = await h.sendRaw(h.eventFor('Delete', props(), { id: ID }));
    expect(response).toEqual(expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: ID }));
    expect(h.fake.resourcesOwnedBy('demo')).toEqual([]);
  });

  it.each(REQUEST_STATUSES.Update.map((s) => [s]))('an Update while the stack is %s converges', async (status) => {
    const { h } = await deployed();
    h.fake.cloudformation.setStack(STACK_ID, status);
    const [response] = await h.sendRaw(h.eventFor('Update', props({ ShardCount: '2' }), { id: ID, props: props() }));
    expect(response).toEqual(expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: ID }));
    expect(h.fake.writes().map((c) => c.op)).toContain('kinesis:UpdateShardCount#1');
  });

  it.each(REQUEST_STATUSES.Create.map((s) => [s]))('a Create while the stack is %s builds the pipeline', async (status) => {
    const h = makeHarness();
    h.fake.cloudformation.setStack(STACK_ID, status);
    const [response] = await h.sendRaw(h.eventFor('Create', props()));
    expect(response).toEqual(expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: ID }));
    expect(h.fake.resourcesOwnedBy('demo').length).toBeGreaterThan(0);
  });
});

scanLogsForSecrets([ATTACKER_EXTERNAL_ID]);
