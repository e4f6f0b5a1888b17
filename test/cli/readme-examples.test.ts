import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CreateStreamCommand, PutRecordCommand, waitUntilStreamExists } from '@aws-sdk/client-kinesis';
import { type DecoratableClient, type ServiceKey } from '../../src/aws/clients';
import { physicalResourceId, stackIdentity } from '../../src/engine/stack-identity';
import { run } from '../../src/cli/main';
import { FakeClock } from '../fake/clock';
import { http1Handler, instantRetries } from '../fake/sdk';
import { ACCOUNT, REGION, STACK_ID } from '../lifecycle/harness';
import { pipelineNames } from '../../src/config/names';
import { EMULATOR_CREDENTIALS, emulatorClients, startKinesalite } from '../protocol/helpers/emulators';
import { bufferIo, deployPipeline, DEPLOYED_PROPS, N } from '../unit/cli/helpers';
import { GAPS, putStack, runOn } from './stack';
import { cwlDelivery } from '../fake/stream-records';

/**
 * The README's "Operate" examples are real output of the command against the fake account (and kinesalite for
 * verify). This test runs each and checks the README holds it; `npm run cli:examples` (UPDATE_README=1) rewrites them.
 */
const N2 = pipelineNames('demo2', REGION, ACCOUNT);
const README = path.join(__dirname, '..', '..', 'README.md');
const examples: Record<string, string> = {};
const block = (argv: string[], r: { all: string; code: number }) => `$ aws-siem-pipeline ${argv.join(' ')}\n${r.all}$ echo $?\n${r.code}\n`;
/** Times that differ from run to run (verify reads a real emulator clock). */
const stable = (text: string) => text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<time>');

describe('README Operate examples', () => {
  it('runs plan, audit, repair, deploy, destroy against the fake account', async () => {
    const d = await deployPipeline();
    putStack(d.fake);
    await GAPS[0].plant(d.fake);
    await GAPS[3].plant(d.fake);
    for (const [name, argv] of [
      ['plan', ['plan', '--stack', 'siem']],
      ['audit', ['audit', '--stack', 'siem']],
      ['repair', ['repair', '--stack', 'siem']],
    ] as const) {
      examples[name] = block([...argv], await runOn(d, [...argv]));
    }
    d.fake.cloudformation.onDelete = async () => {
      await d.harness.simulateEvent('Delete', DEPLOYED_PROPS, { id: physicalResourceId(stackIdentity({ StackId: STACK_ID }), 'demo') });
      d.fake.cloudformation.setStack(STACK_ID, 'CREATE_COMPLETE');
    };
    examples.destroy = block(['destroy', '--stack', 'siem', '--yes'], await runOn(d, ['destroy', '--stack', 'siem', '--yes']));

    const url = 'https://my-templates.s3.eu-west-1.amazonaws.com/aws-siem-pipeline/3f9c0a7d1e2b4c5d.template.json';
    d.fake.cloudformation.registerTemplate(url, {
      resources: {
        PipelineBoundary: { type: 'AWS::IAM::ManagedPolicy', physicalId: 'b' },
        ReaderBoundary: { type: 'AWS::IAM::ManagedPolicy', physicalId: 'r' },
        ProvisionerRole: { type: 'AWS::IAM::Role', physicalId: 'p' },
        ProvisionerFunction: { type: 'AWS::Lambda::Function', physicalId: 'f' },
        Pipeline: { type: 'Custom::SiemPipeline', physicalId: 'x' },
      },
      outputs: { StreamName: N2.streamName, StreamArn: N2.streamArn, Region: 'us-east-1' },
    });
    const deployArgv = ['deploy', '--stack', 'siem2', '--template-url', url, '--param', 'PipelineName=demo2', '--yes'];
    examples.deploy = block(deployArgv, await runOn(d, deployArgv));
  });

  it('runs verify against kinesalite', async () => {
    const emulator = await startKinesalite();
    try {
      const kinesis = emulatorClients(emulator).kinesis;
      await kinesis.send(new CreateStreamCommand({ StreamName: N.streamName, ShardCount: 1 }));
      await waitUntilStreamExists({ client: kinesis, minDelay: 0.01, maxDelay: 0.05, maxWaitTime: 10 }, { StreamName: N.streamName });
      const now = Date.now();
      const logs = (logGroup: string, n: number) =>
        cwlDelivery(
          logGroup,
          Array.from({ length: n }, (_, i) => ({ timestamp: now - 1000 * i, message: 'x' })),
        );
      for (const Data of [
        logs(N.cloudTrailLogGroup, 12),
        logs(N.flowLogGroup, 40),
        logs(N.flowLogGroup, 25),
        Buffer.from(JSON.stringify({ source: 'aws.guardduty', 'detail-type': 'GuardDuty Finding', time: new Date(now).toISOString() })),
      ]) {
        await kinesis.send(new PutRecordCommand({ StreamName: N.streamName, PartitionKey: 'k', Data }));
      }
      kinesis.destroy();
      const fake = (await deployPipeline()).fake;
      const io = bufferIo();
      const argv = ['verify', '--stack-id', STACK_ID, '--param', 'PipelineName=demo', '--param', 'ExtraEventSources=aws.securityhub', '--minutes', '15'];
      const code = await run(argv, io, {
        clock: new FakeClock(now),
        clientOptions: {
          endpoint: emulator.endpoint,
          credentials: EMULATOR_CREDENTIALS,
          retryStrategy: instantRetries(),
          requestHandler: http1Handler(),
          decorate: (client: DecoratableClient, service: ServiceKey) => service !== 'kinesis' && fake.decorate(client, service),
        },
      });
      examples.verify = block(argv, { ...io, code });
    } finally {
      await emulator.stop();
    }
  });

  it('the README holds each example as printed', () => {
    let readme = readFileSync(README, 'utf8');
    for (const [name, text] of Object.entries(examples)) {
      const re = new RegExp(`(<!-- cli-example:${name} -->\\n\`\`\`console\\n)([\\s\\S]*?)(\`\`\`\\n<!-- /cli-example -->)`);
      expect(readme).toMatch(re);
      if (process.env.UPDATE_README) readme = readme.replace(re, (_m, open: string, _old: string, close: string) => `${open}${text}${close}`);
      else expect(stable(re.exec(readme)![2])).toBe(stable(text));
    }
    if (process.env.UPDATE_README) writeFileSync(README, readme);
  });
});
