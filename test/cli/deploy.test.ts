import { createHash } from 'node:crypto';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { physicalResourceId, stackIdentity } from '../../src/engine/stack-identity';
import type { FakeTemplate } from '../fake/cloudformation-changes';
import { makeHarness, STACK_ID } from '../lifecycle/harness';
import { deployPipeline, DEPLOYED_PROPS, EXTERNAL_ID, N, type Deployed } from '../unit/cli/helpers';
import { onAccount, putStack, runOn } from './stack';

const URL = 'https://templates-bucket.s3.amazonaws.com/siem-pipeline.template.json';
const TEMPLATE: FakeTemplate = {
  resources: {
    PipelineBoundary: { type: 'AWS::IAM::ManagedPolicy', physicalId: 'arn:aws:iam::123456789012:policy/b' },
    ProvisionerFunction: { type: 'AWS::Lambda::Function', physicalId: 'siem-provisioner' },
    Pipeline: { type: 'Custom::SiemPipeline', physicalId: 'pipeline' },
  },
  outputs: { StreamName: 'siem-demo', Region: 'us-east-1' },
  noEcho: ['SiemExternalId'],
};

/** A fresh fake account with no stack, wired as deployPipeline's is. */
function emptyAccount(): ReturnType<typeof onAccount> {
  const h = makeHarness();
  h.fake.cloudformation.registerTemplate(URL, TEMPLATE);
  return onAccount(h);
}

/** A literal string as a regular expression. */
const escape = (text: string) => text.replace(/[|\\[\]()*+?.^$]/g, '\\$&');

const cfnWrites = (d: { fake: Deployed['fake'] }) =>
  d.fake
    .writes()
    .filter((c) => c.service === 'cloudformation')
    .map((c) => c.command);

describe('deploy', () => {
  it('creates the stack through a change set: shows it, streams one line per event, prints the outputs', async () => {
    const d = emptyAccount();
    const { code, out, err } = await runOn(d, ['deploy', '--stack', 'siem', '--template-url', URL, '--yes', '--param', 'PipelineName=demo']);

    expect(d.fake.calls.find((c) => c.command === 'CreateChangeSet')!.input).toEqual({
      StackName: 'siem',
      ChangeSetName: expect.stringMatching(/^aws-siem-pipeline-\d+$/),
      ChangeSetType: 'CREATE',
      TemplateURL: URL,
      Parameters: [{ ParameterKey: 'PipelineName', ParameterValue: 'demo' }],
      Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
    });
    expect(out).toMatch(/^Change set \(CREATE\) for stack siem:$/m);
    expect(out).toMatch(/^Add +Pipeline +Custom::SiemPipeline$/m);
    // Events are progress (stderr); the change set and the outputs are the result (stdout).
    const events = err
      .split('\n')
      .filter((l) => /^\d\d:\d\d:\d\d /.test(l))
      .map((l) => l.replace(/^\S+ +/, ''));
    expect(events).toEqual([
      'CREATE_IN_PROGRESS  siem  AWS::CloudFormation::Stack  User Initiated',
      ...Object.entries(TEMPLATE.resources).flatMap(([id, r]) => [`CREATE_IN_PROGRESS  ${id}  ${r.type}`, `CREATE_COMPLETE  ${id}  ${r.type}`]),
      'CREATE_COMPLETE  siem  AWS::CloudFormation::Stack',
    ]);
    expect(out).toContain('Stack siem: CREATE_COMPLETE\n  StreamName = siem-demo\n  Region = us-east-1\n');
    expect(code).toBe(0);
  });

  it('updates an existing stack: given parameters change, the others (the NoEcho ExternalId) keep their previous value', async () => {
    const d = emptyAccount();
    putStack(d.fake, 'UPDATE_COMPLETE');
    const { code, out } = await runOn(d, ['deploy', '--stack', 'siem', '--template-url', URL, '--yes', '--param', 'ShardCount=2']);

    const input = d.fake.calls.find((c) => c.command === 'CreateChangeSet')!.input as { ChangeSetType: string; Parameters: unknown[] };
    expect(input.ChangeSetType).toBe('UPDATE');
    expect(input.Parameters).toEqual(
      expect.arrayContaining([
        { ParameterKey: 'ShardCount', ParameterValue: '2' },
        { ParameterKey: 'SiemExternalId', UsePreviousValue: true },
      ]),
    );
    expect(input.Parameters).toHaveLength(Object.keys(DEPLOYED_PROPS).length + 2);
    expect(out).toContain('Stack siem: UPDATE_COMPLETE');
    expect(out).not.toContain(EXTERNAL_ID);
    expect(code).toBe(0);
  });

  it('uploads the rendered template to --bucket (it is larger than TemplateBody allows) and deploys it by URL', async () => {
    const d = emptyAccount();
    await d.fake.clients().s3.send(new CreateBucketCommand({ Bucket: 'my-templates' }));
    const body = JSON.stringify({ Resources: {} }) + ' '.repeat(60_000);
    const key = `aws-siem-pipeline/${createHash('sha256').update(body).digest('hex').slice(0, 16)}.template.json`;
    d.fake.cloudformation.registerTemplate(`https://my-templates.s3.amazonaws.com/${key}`, TEMPLATE);

    const { code, err } = await runOn(
      d,
      ['deploy', '--stack', 'siem', '--bucket', 'my-templates', '--template', 't.json', '--yes', '--param', 'PipelineName=demo'],
      { files: { 't.json': body } },
    );

    expect(d.fake.calls.find((c) => c.command === 'PutObject')!.input).toMatchObject({ Bucket: 'my-templates', Key: key, ContentType: 'application/json' });
    expect(err).toContain(`uploaded the template to https://my-templates.s3.amazonaws.com/${key}`);
    expect(code).toBe(0);
  });

  it('a failed resource rolls the stack back: exit 1', async () => {
    const d = emptyAccount();
    d.fake.cloudformation.registerTemplate(URL, { ...TEMPLATE, failing: 'Pipeline' });
    const { code, out, err } = await runOn(d, ['deploy', '--stack', 'siem', '--template-url', URL, '--yes', '--param', 'PipelineName=demo']);
    expect(err).toMatch(/CREATE_FAILED {2}Pipeline {2}Custom::SiemPipeline {2}Resource creation failed/);
    expect(out).toContain('Stack siem: ROLLBACK_COMPLETE');
    expect(code).toBe(1);
  });

  it('a stack whose create was never executed (REVIEW_IN_PROGRESS) is created; one whose create failed (ROLLBACK_COMPLETE) is refused, exit 2', async () => {
    const d = emptyAccount();
    await runOn(d, ['deploy', '--stack', 'siem', '--template-url', URL, '--param', 'PipelineName=demo'], { tty: true, answer: false });
    const again = await runOn(d, ['deploy', '--stack', 'siem', '--template-url', URL, '--yes', '--param', 'PipelineName=demo']);
    expect(d.fake.calls.filter((c) => c.command === 'CreateChangeSet').map((c) => (c.input as { ChangeSetType: string }).ChangeSetType)).toEqual([
      'CREATE',
      'CREATE',
    ]);
    expect(again.out).toContain('Stack siem: CREATE_COMPLETE');

    const failed = emptyAccount();
    failed.fake.cloudformation.setStack(STACK_ID, 'ROLLBACK_COMPLETE');
    failed.fake.resetCalls();
    const refused = await runOn(failed, ['deploy', '--stack', 'siem', '--template-url', URL, '--yes']);
    expect(refused.err).toMatch(/^error: --stack siem is ROLLBACK_COMPLETE \(its create failed\): run aws-siem-pipeline destroy --stack siem first/);
    expect(refused.code).toBe(2);
    expect(cfnWrites(failed)).toEqual([]);
  });

  it('a change set without changes: the stack is up to date, exit 0, nothing executed', async () => {
    const d = emptyAccount();
    await runOn(d, ['deploy', '--stack', 'siem', '--template-url', URL, '--yes', '--param', 'PipelineName=demo']);
    d.fake.resetCalls();
    const { code, out } = await runOn(d, ['deploy', '--stack', 'siem', '--template-url', URL, '--yes']);
    expect(out).toBe('Stack siem is up to date: the change set has no changes.\n');
    expect(cfnWrites(d)).toEqual(['CreateChangeSet', 'DeleteChangeSet']);
    expect(code).toBe(0);
  });

  it.each([
    {
      why: 'no --yes and no terminal: refused before any call (exit 2)',
      argv: [] as string[],
      tty: false,
      code: 2,
      writes: [] as string[],
      says: /--yes is required: deploy changes the account and there is no terminal to ask/,
    },
    {
      why: 'the operator answers no on the terminal: the change set is shown, never executed; the spinner is cleared before the question',
      argv: [] as string[],
      tty: true,
      code: 0,
      writes: ['CreateChangeSet'],
      says: new RegExp(`^${escape('\r| creating a change set for siem\u001b[K\r\u001b[K')}$`),
    },
    {
      why: 'no --template-url and no --bucket (exit 2)',
      argv: ['--yes'],
      tty: false,
      code: 2,
      writes: [] as string[],
      says: /--template-url or --bucket is required: the template is larger than the 51,200 bytes/,
    },
  ])('$why', async ({ argv, tty, code, writes, says }) => {
    const d = emptyAccount();
    const url = argv.includes('--yes') ? [] : ['--template-url', URL];
    const r = await runOn(d, ['deploy', '--stack', 'siem', ...url, ...argv, '--param', 'PipelineName=demo'], { tty, answer: false });
    expect(r.code).toBe(code);
    expect(r.err.split('\n')[0]).toMatch(says);
    expect(cfnWrites(d)).toEqual(writes);
    if (tty) expect(r.out).toContain('Not executed.');
  });
});

describe('destroy', () => {
  let d: Deployed;
  beforeEach(async () => {
    d = await deployPipeline();
    putStack(d.fake);
  });

  it('deletes the stack, streams its events and confirms nothing of the pipeline is left', async () => {
    // CloudFormation sends the custom resource its Delete while the stack is deleted.
    d.fake.cloudformation.onDelete = async () => {
      const id = physicalResourceId(stackIdentity({ StackId: STACK_ID }), 'demo');
      const response = await d.harness.simulateEvent('Delete', DEPLOYED_PROPS, { id });
      if (response.Status !== 'SUCCESS') throw new Error(response.Reason);
      d.fake.cloudformation.setStack(STACK_ID, 'CREATE_COMPLETE');
    };
    const { code, out, err } = await runOn(d, ['destroy', '--stack', 'siem', '--yes']);

    expect(d.fake.calls.find((c) => c.command === 'DeleteStack')!.input).toEqual({ StackName: STACK_ID });
    expect(err).toMatch(/DELETE_IN_PROGRESS {2}siem {2}AWS::CloudFormation::Stack {2}User Initiated/);
    expect(out).toContain('Stack siem: DELETE_COMPLETE\nNothing of the pipeline is left.\n');
    // GuardDutyOnDelete defaults to Retain: the account-wide detector stays, and is not a leftover.
    expect(d.fake.resourcesOwnedBy('demo')).toEqual([{ service: 'guardduty', type: 'detector', id: expect.any(String) }]);
    expect(code).toBe(0);
  });

  it('names what is left when the stack is gone but the pipeline is not: exit 1', async () => {
    const { code, out } = await runOn(d, ['destroy', '--stack', 'siem', '--yes']);
    expect(out).toContain('Stack siem: DELETE_COMPLETE\nLeft behind:\n');
    expect(out).toMatch(/^ {2}- stream: present$/m);
    expect(out).toMatch(new RegExp(`^  - flow-log-group: present$`, 'm'));
    expect(out).not.toContain(N.streamArn);
    expect(code).toBe(1);
  });

  it('refuses without --yes and without a terminal, before any call', async () => {
    d.fake.resetCalls();
    const { code, err } = await runOn(d, ['destroy', '--stack', 'siem']);
    expect(code).toBe(2);
    expect(err).toMatch(/--yes is required: destroy changes the account/);
    expect(d.fake.calls).toEqual([]);
  });
});
