import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CloudFormationClient, CreateStackInstancesCommand, CreateStackSetCommand, UpdateStackSetCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import type { JsonObject } from '../template/template-helpers';

type Request = { command: string; input: Record<string, unknown> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { stackSetRequests, printable, sendRequests } = require('../../scripts/lib/stackset.cjs') as {
  stackSetRequests(opts: Record<string, unknown>): Request[];
  printable(requests: Request[], template: JsonObject): Request[];
  sendRequests(requests: Request[], client: CloudFormationClient): Promise<{ OperationId?: string }[]>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { renderTemplateText } = require('../../scripts/lib/render-template.cjs') as {
  renderTemplateText(yaml: string, bundles: Record<string, string>): JsonObject;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { serviceManagedProblems, requiredCapabilities } = require('../../scripts/lib/service-managed.cjs') as {
  serviceManagedProblems(t: JsonObject): string[];
  requiredCapabilities(t: JsonObject): string[];
};

const root = path.join(__dirname, '..', '..');
const stub = 'exports.handler = async () => {};';
const rendered = renderTemplateText(readFileSync(path.join(root, 'template.yaml'), 'utf8'), { 'custom-resource': stub, 'vpc-enroller': stub });
const templateUrl = 'https://my-templates.s3.us-east-1.amazonaws.com/siem/siem-pipeline.template.json';
const base = {
  action: 'create',
  template: rendered,
  templateUrl,
  stackSetName: 'siem-pipeline',
  ous: ['ou-ab12-cdef3456', 'ou-ab12-ghij7890'],
  regions: ['eu-west-1', 'us-east-1', 'ap-southeast-2', 'eu-central-1'],
  homeRegion: 'us-east-1',
};
const ORDER = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'eu-central-1'];
const PREFERENCES = {
  FailureTolerancePercentage: 10,
  MaxConcurrentPercentage: 25,
  ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE',
  RegionConcurrencyType: 'PARALLEL',
  RegionOrder: ORDER,
};

describe('the rendered template meets the service-managed StackSet rules', () => {
  it('has no Transform, no SAM resource, no nested stack and no Fn::Transform (macros)', () => {
    expect(serviceManagedProblems(rendered)).toEqual([]);
    expect(Object.values(rendered.Resources as Record<string, JsonObject>).filter((r) => r.Type === 'AWS::CloudFormation::Stack')).toEqual([]);
  });

  it('needs CAPABILITY_IAM only (no named IAM resources, no CAPABILITY_AUTO_EXPAND)', () => {
    expect(requiredCapabilities(rendered)).toEqual(['CAPABILITY_IAM']);
  });

  it.each([
    [{ Transform: 'AWS::Serverless-2016-10-31', Resources: {} }, ['Transform "AWS::Serverless-2016-10-31"']],
    [{ Resources: { Child: { Type: 'AWS::CloudFormation::Stack', Properties: {} } } }, ['Child: nested stack (AWS::CloudFormation::Stack)']],
    [{ Resources: { F: { Type: 'AWS::Serverless::Function' } } }, ['F: AWS::Serverless::Function needs the SAM transform']],
    [{ Resources: { B: { Type: 'AWS::S3::Bucket', Properties: { 'Fn::Transform': { Name: 'AWS::Include' } } } } }, ['Fn::Transform (a macro or AWS::Include)']],
  ])('finds what a service-managed StackSet refuses %#', (template, problems) => {
    expect(serviceManagedProblems(template as JsonObject)).toEqual(problems);
  });

  it.each([
    [{ R: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'x' } } }, ['CAPABILITY_NAMED_IAM']],
    [{ P: { Type: 'AWS::IAM::Policy', Properties: {} } }, ['CAPABILITY_IAM']],
    [{ B: { Type: 'AWS::S3::Bucket' } }, []],
  ])('derives the capabilities from the resources %#', (resources, capabilities) => {
    expect(requiredCapabilities({ Resources: resources })).toEqual(capabilities);
  });
});

describe('stackSetRequests', () => {
  it('create: a SERVICE_MANAGED stack set by TemplateURL with automatic deployment, then instances with the home region first', () => {
    expect(stackSetRequests({ ...base, callAs: 'DELEGATED_ADMIN', parameters: { EnableFlowLogs: 'false' } })).toEqual([
      {
        command: 'CreateStackSet',
        input: {
          StackSetName: 'siem-pipeline',
          Description: 'aws-siem-pipeline: one Kinesis stream per account and region for a SIEM',
          TemplateURL: templateUrl,
          Parameters: [
            { ParameterKey: 'TrailHomeRegion', ParameterValue: 'us-east-1' },
            { ParameterKey: 'EnableFlowLogs', ParameterValue: 'false' },
          ],
          Capabilities: ['CAPABILITY_IAM'],
          PermissionModel: 'SERVICE_MANAGED',
          AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
          CallAs: 'DELEGATED_ADMIN',
        },
      },
      {
        command: 'CreateStackInstances',
        input: {
          StackSetName: 'siem-pipeline',
          DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-cdef3456', 'ou-ab12-ghij7890'] },
          Regions: ORDER,
          OperationPreferences: PREFERENCES,
          CallAs: 'DELEGATED_ADMIN',
        },
      },
    ]);
  });

  it('update: UpdateStackSet keeps the previous value of every parameter not given', () => {
    const [update, ...rest] = stackSetRequests({ ...base, action: 'update', failureTolerance: '1', maxConcurrent: '4', regionConcurrency: 'SEQUENTIAL' });
    expect(rest).toEqual([]);
    expect(update.command).toBe('UpdateStackSet');
    const { Parameters, ...input } = update.input as { Parameters: { ParameterKey: string; UsePreviousValue?: boolean }[] };
    expect(input).toEqual({
      StackSetName: 'siem-pipeline',
      TemplateURL: templateUrl,
      Capabilities: ['CAPABILITY_IAM'],
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-cdef3456', 'ou-ab12-ghij7890'] },
      Regions: ORDER,
      OperationPreferences: {
        FailureToleranceCount: 1,
        MaxConcurrentCount: 4,
        ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE',
        RegionConcurrencyType: 'SEQUENTIAL',
        RegionOrder: ORDER,
      },
    });
    expect(Parameters[0]).toEqual({ ParameterKey: 'TrailHomeRegion', ParameterValue: 'us-east-1' });
    expect(
      Parameters.slice(1)
        .map((p) => p.ParameterKey)
        .sort(),
    ).toEqual(
      Object.keys(rendered.Parameters as JsonObject)
        .filter((k) => k !== 'TrailHomeRegion')
        .sort(),
    );
    expect(Parameters.slice(1).every((p) => p.UsePreviousValue === true)).toBe(true);
  });

  it('update without --ous and --regions updates every instance', () => {
    const [update] = stackSetRequests({ ...base, action: 'update', ous: [], regions: [] });
    expect(update.input).not.toHaveProperty('DeploymentTargets');
    expect(update.input).not.toHaveProperty('Regions');
    expect((update.input.OperationPreferences as JsonObject).RegionOrder).toBeUndefined();
  });

  it('the dry run masks NoEcho values', () => {
    const requests = stackSetRequests({ ...base, parameters: { SiemExternalId: 'vendor-secret-1' } });
    expect(JSON.stringify(printable(requests, rendered))).not.toContain('vendor-secret-1');
    expect((printable(requests, rendered)[0].input.Parameters as unknown[])[1]).toEqual({ ParameterKey: 'SiemExternalId', ParameterValue: '****' });
    expect(JSON.stringify(requests)).toContain('vendor-secret-1');
  });

  it.each([
    [{ action: 'delete' }, "the action must be one of create, update, got 'delete'"],
    [{ template: { ...rendered, Transform: 'AWS::Serverless-2016-10-31' } }, 'a service-managed StackSet refuses this template: Transform'],
    [{ templateUrl: 'file://dist/siem-pipeline.template.json' }, 'must be an https Amazon S3 URL'],
    [{ homeRegion: undefined }, "--home-region 'undefined' is not a region name"],
    [{ homeRegion: 'us-west-2' }, '--home-region us-west-2 is not among --regions'],
    [{ ous: ['ou-1'] }, "--ous: 'ou-1' is not an organizational unit id"],
    [{ ous: [] }, 'create needs --ous and --regions'],
    [{ action: 'update', regions: [] }, 'give --ous and --regions together'],
    [{ regions: ['us-east-1', 'mars'] }, "--regions: 'mars' is not a region name"],
    [{ callAs: 'ADMIN' }, "--call-as must be one of SELF, DELEGATED_ADMIN, got 'ADMIN'"],
    [{ failureTolerance: '120%' }, '--failure-tolerance takes a number (at least 0) or a percentage'],
    [{ maxConcurrent: '0' }, '--max-concurrent takes a number (at least 1) or a percentage'],
    [{ regionConcurrency: 'ALL' }, "--region-concurrency must be one of SEQUENTIAL, PARALLEL, got 'ALL'"],
    [{ parameters: { TrailHomeRegion: 'eu-west-1' } }, 'set the trail home region with --home-region'],
    [{ parameters: { PipelineNmae: 'x' } }, "unknown parameter 'PipelineNmae'; the template's parameters are: PipelineName,"],
    [{ stackSetName: '9lives' }, "--name '9lives' must start with a letter"],
  ])('rejects %j', (overrides, message) => {
    expect(() => stackSetRequests({ ...base, ...overrides })).toThrow(message);
  });
});

describe('sendRequests', () => {
  const cfn = mockClient(CloudFormationClient);
  afterEach(() => cfn.reset());

  it('sends exactly the planned requests, in order', async () => {
    cfn.on(CreateStackSetCommand).resolves({ StackSetId: 'siem-pipeline:1' }).on(CreateStackInstancesCommand).resolves({ OperationId: 'op-1' });
    const requests = stackSetRequests(base);
    const client = new CloudFormationClient({ region: 'us-east-1' });
    const out = await sendRequests(requests, client);
    expect(out.map((o) => o.OperationId)).toEqual([undefined, 'op-1']);
    expect(cfn.calls().map((c) => [c.args[0].constructor.name, c.args[0].input])).toEqual([
      ['CreateStackSetCommand', requests[0].input],
      ['CreateStackInstancesCommand', requests[1].input],
    ]);
    expect(cfn.commandCalls(CreateStackSetCommand)[0].args[0].input).not.toHaveProperty('TemplateBody');
  });

  it('stops at the first failure: no instances for a stack set that was not created', async () => {
    cfn.on(CreateStackSetCommand).rejects(Object.assign(new Error('StackSet siem-pipeline already exists'), { name: 'NameAlreadyExistsException' }));
    await expect(sendRequests(stackSetRequests(base), new CloudFormationClient({ region: 'us-east-1' }))).rejects.toThrow(
      'StackSet siem-pipeline already exists',
    );
    expect(cfn.commandCalls(CreateStackInstancesCommand)).toEqual([]);
  });

  it('update sends UpdateStackSet as planned', async () => {
    cfn.on(UpdateStackSetCommand).resolves({ OperationId: 'op-2' });
    const requests = stackSetRequests({ ...base, action: 'update' });
    await sendRequests(requests, new CloudFormationClient({ region: 'us-east-1' }));
    expect(cfn.commandCalls(UpdateStackSetCommand).map((c) => c.args[0].input)).toEqual([requests[0].input]);
  });
});

describe('npm run stackset -- create --dry-run', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stackset-'));
  const template = path.join(dir, 'siem-pipeline.template.json');
  writeFileSync(template, JSON.stringify(rendered));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = { PATH: process.env.PATH ?? '', HOME: dir, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_EC2_METADATA_DISABLED: 'true' };
  const run = (...extra: string[]) =>
    spawnSync(
      process.execPath,
      [
        'scripts/stackset.mjs',
        'create',
        '--ous',
        'ou-ab12-cdef3456',
        '--regions',
        'eu-west-1,us-east-1',
        '--home-region',
        'us-east-1',
        '--template-url',
        templateUrl,
        '--template',
        template,
        ...extra,
      ],
      { cwd: root, env, encoding: 'utf8' },
    );

  it('prints the exact requests without credentials', () => {
    const out = run('--dry-run', '--param', 'SiemExternalId=vendor-secret-2');
    expect(out.status).toBe(0);
    expect(out.stdout).not.toContain('vendor-secret-2');
    const printed = JSON.parse(out.stdout) as { region: string; requests: Request[] };
    expect(printed.region).toBe('us-east-1');
    expect(printed.requests.map((r) => r.command)).toEqual(['CreateStackSet', 'CreateStackInstances']);
    expect(printed.requests[1].input.Regions).toEqual(['us-east-1', 'eu-west-1']);
  });

  it.each([
    ['a dry-run publish', true, ['--dry-run'], 0, ''],
    ['a dry-run publish', true, [], 1, 'was only planned (publish --dry-run): publish it or pass --template-url'],
    ['no publish at all', undefined, ['--dry-run'], 1, 'no --template-url and no '],
  ])('takes the template URL from %s: %j -> exit %s', (_what, dryRun, extra, status, message) => {
    const published = path.join(dir, `published-${String(dryRun)}.json`);
    if (dryRun !== undefined) writeFileSync(published, JSON.stringify({ templateUrl, sha256: 'x', dryRun }));
    const args = [
      'scripts/stackset.mjs',
      'create',
      '--ous',
      'ou-ab12-cdef3456',
      '--regions',
      'us-east-1',
      '--home-region',
      'us-east-1',
      '--template',
      template,
      '--published',
      published,
      ...extra,
    ];
    const out = spawnSync(process.execPath, args, { cwd: root, env, encoding: 'utf8' });
    expect(out.status).toBe(status);
    if (status === 0) expect((JSON.parse(out.stdout) as { requests: Request[] }).requests[0].input.TemplateURL).toBe(templateUrl);
    else expect(out.stderr).toContain(message);
  });

  it('without --dry-run it calls CloudFormation, so in this environment it fails', () => {
    const out = run();
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(/^stackset: /m);
  });
});
