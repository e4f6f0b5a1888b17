import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { yamlParse } from 'yaml-cfn';
import { iamFindings } from './iam-findings';
import type { JsonObject } from './template-helpers';

// The renderer is CommonJS so that both the ESM build script and these tests load the same code.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { renderTemplateText, MAX_TEMPLATE_BYTES } = require('../../scripts/lib/render-template.cjs') as {
  renderTemplateText(yaml: string, bundles: Record<string, string>): JsonObject;
  MAX_TEMPLATE_BYTES: number;
};

const root = path.join(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const resourcesOf = (t: JsonObject) => t.Resources as Record<string, JsonObject>;
const samFunctions = (yaml: string) =>
  Object.entries(resourcesOf(yamlParse(yaml) as JsonObject))
    .filter(([, r]) => r.Type === 'AWS::Serverless::Function')
    .map(([id]) => id);

/** The bundles `npm run build` wrote (npm test builds first). */
function builtBundles(): Record<string, string> {
  const { sizes } = JSON.parse(read('dist/bundles.json')) as { sizes: Record<string, number> };
  return Object.fromEntries(Object.keys(sizes).map((name) => [name, read(`dist/${name}/index.js`)]));
}

describe('transform-free template (launch links, service-managed StackSets)', () => {
  const yaml = read('template.yaml');
  const rendered = renderTemplateText(yaml, builtBundles());
  const res = resourcesOf(rendered);

  it('has no transform and no SAM resource types left', () => {
    expect(rendered.Transform).toBeUndefined();
    expect(Object.values(res).filter((r) => String(r.Type).startsWith('AWS::Serverless::'))).toEqual([]);
  });

  it.each(samFunctions(yaml))('%s becomes a Lambda function with its bundle inlined as index.js', (id) => {
    const fn = res[id];
    const props = fn.Properties as JsonObject;
    expect(fn.Type).toBe('AWS::Lambda::Function');
    expect(props.Handler).toBe('index.handler');
    expect(props.Runtime).toBe('nodejs22.x');
    expect(props.CodeUri).toBeUndefined();
    const code = (props.Code as JsonObject).ZipFile as string;
    // The inline code must load as CommonJS and export the handler (inside the project, so the
    // externalised @aws-sdk packages resolve as the runtime's copy would).
    const dir = mkdtempSync(path.join(root, 'dist', 'render-check-'));
    try {
      writeFileSync(path.join(dir, 'index.js'), code);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      expect(typeof require(path.join(dir, 'index.js')).handler).toBe('function');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps the IAM guards of the SAM template and fits CloudFormation's size limit", () => {
    expect(iamFindings(rendered)).toEqual([]);
    expect(Buffer.byteLength(JSON.stringify(rendered))).toBeLessThanOrEqual(MAX_TEMPLATE_BYTES);
  });

  it('turns Schedule and EventBridgeRule events into rules with a permission scoped to each rule', () => {
    const out = resourcesOf(renderTemplateText(read('test/template/fixtures/events.yaml'), { 'vpc-enroller': 'exports.handler = async () => {};' }));
    expect(out.EnrollerSweep).toEqual({
      Type: 'AWS::Events::Rule',
      Properties: { ScheduleExpression: 'rate(6 hours)', Targets: [{ Arn: { 'Fn::GetAtt': ['Enroller', 'Arn'] }, Id: 'EnrollerSweepLambdaTarget' }] },
    });
    expect(out.EnrollerNewVpc.Properties).toEqual({
      EventPattern: { source: ['aws.ec2'], 'detail-type': ['AWS API Call via CloudTrail'], detail: { eventName: ['CreateVpc'] } },
      Targets: [{ Arn: { 'Fn::GetAtt': ['Enroller', 'Arn'] }, Id: 'EnrollerNewVpcLambdaTarget' }],
    });
    for (const rule of ['EnrollerSweep', 'EnrollerNewVpc']) {
      expect(out[`${rule}Permission`]).toEqual({
        Type: 'AWS::Lambda::Permission',
        Properties: {
          Action: 'lambda:InvokeFunction',
          FunctionName: { Ref: 'Enroller' },
          Principal: 'events.amazonaws.com',
          SourceArn: { 'Fn::GetAtt': [rule, 'Arn'] },
        },
      });
    }
  });

  it('gives the rules and permissions of a conditional function the same condition', () => {
    const yaml = read('test/template/fixtures/events.yaml').replace(
      '    Type: AWS::Serverless::Function\n',
      '    Type: AWS::Serverless::Function\n    Condition: FlowLogsOn\n',
    );
    const out = resourcesOf(renderTemplateText(yaml, { 'vpc-enroller': 'exports.handler = async () => {};' }));
    expect(['Enroller', 'EnrollerSweep', 'EnrollerSweepPermission', 'EnrollerNewVpc', 'EnrollerNewVpcPermission'].map((id) => out[id].Condition)).toEqual(
      Array(5).fill('FlowLogsOn'),
    );
  });

  it.each([
    ['a missing bundle', {}, /Enroller: no bundle named vpc-enroller/],
    ['a template over 1 MB', { 'vpc-enroller': 'x'.repeat(1_100_000) }, /at most 1000000/],
  ])('rejects %s', (_what, bundles, message) => {
    expect(() => renderTemplateText(read('test/template/fixtures/events.yaml'), bundles)).toThrow(message);
  });

  it('rejects SAM resource types it cannot convert', () => {
    const yaml = 'Transform: AWS::Serverless-2016-10-31\nResources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties: {}\n';
    expect(() => renderTemplateText(yaml, {})).toThrow('Api: AWS::Serverless::Api is not supported by the renderer');
  });

  // The fixture ends with the function's Events: a line that sets Events replaces them.
  const fixture = read('test/template/fixtures/events.yaml');
  const withProperty = (line: string) =>
    line.startsWith('      Events:')
      ? `${fixture.slice(0, fixture.indexOf('      Events:'))}${line}\n`
      : fixture.replace('      Timeout: 300\n', `      Timeout: 300\n${line}\n`);
  it.each([
    [
      'an unknown function property',
      '      Policies: [AWSLambdaBasicExecutionRole]',
      'Enroller.Properties: Policies not supported by the renderer (supported: Architectures,',
    ],
    [
      'a DLQ SAM would create',
      '      DeadLetterQueue: { Type: SQS, TargetArn: a, QueueLogicalId: Q }',
      'Enroller.DeadLetterQueue: QueueLogicalId not supported',
    ],
    [
      'a destination SAM would create',
      '      EventInvokeConfig: { DestinationConfig: { OnFailure: { Type: SQS } } }',
      'Enroller.EventInvokeConfig.DestinationConfig.OnFailure.Destination is required',
    ],
    ['an unknown invoke config field', '      EventInvokeConfig: { Qualifier: live }', 'Enroller.EventInvokeConfig: Qualifier not supported'],
    [
      'an unknown event type',
      '      Events: { Q: { Type: SQS, Properties: { Queue: q } } }',
      'Enroller.Events.Q: event type SQS not supported by the renderer (supported: Schedule, EventBridgeRule)',
    ],
    [
      'an unknown schedule field',
      '      Events: { S: { Type: Schedule, Properties: { Schedule: rate(1 day), RoleArn: r } } }',
      'Enroller.Events.S.Properties: RoleArn not supported',
    ],
    [
      'an unknown rule field',
      '      Events: { E: { Type: EventBridgeRule, Properties: { Pattern: {}, InputTransformer: {} } } }',
      'Enroller.Events.E.Properties: InputTransformer not supported',
    ],
    [
      'a dead-letter queue SAM would create',
      '      Events: { E: { Type: EventBridgeRule, Properties: { Pattern: {}, DeadLetterConfig: { Type: SQS } } } }',
      'Enroller.Events.E.DeadLetterConfig: Type not supported',
    ],
    [
      'Enabled and State together',
      '      Events: { S: { Type: Schedule, Properties: { Schedule: rate(1 day), Enabled: false, State: DISABLED } } }',
      'Enroller.Events.S: set Enabled or State, not both',
    ],
    [
      'a rule id taken by another resource',
      '      Events: { Role: { Type: Schedule, Properties: { Schedule: rate(1 day) } } }\n  EnrollerRole:\n    Type: AWS::SNS::Topic',
      'Enroller: the resource EnrollerRole it makes already exists',
    ],
  ])('fails the build naming %s', (_what, line, message) => {
    expect(() => renderTemplateText(withProperty(line), { 'vpc-enroller': 'exports.handler = async () => {};' })).toThrow(message);
  });

  it('fails the build for a function without Role (SAM would create one)', () => {
    const yaml = read('test/template/fixtures/events.yaml').replace('      Role: !GetAtt EnrollerRole.Arn\n', '');
    expect(() => renderTemplateText(yaml, { 'vpc-enroller': 'x' })).toThrow('Enroller.Role is required');
  });
});
