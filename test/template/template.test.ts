import { ALLOWED_PROPERTIES } from '../../src/sources/parse';
import { PARAMETER_MODULES, parametersOf } from '../../src/sources/parameters';
import { iamFindings } from './iam-findings';
import { loadTemplate, permissionStatements, resources, resourceStrings, statementsAllowing, type JsonObject } from './template-helpers';

const template = loadTemplate();
const res = resources(template);
const parameters = template.Parameters as Record<string, JsonObject>;

/** Parameters that configure the stack itself rather than the pipeline (the registry passes them to no one). */
const STACK_ONLY_PARAMETERS = parametersOf(PARAMETER_MODULES)
  .filter((p) => p.targets.length === 0)
  .map((p) => p.name);

describe('template.yaml', () => {
  it('is a SAM template whose functions run on nodejs22.x and build with esbuild', () => {
    expect(template.Transform).toBe('AWS::Serverless-2016-10-31');
    const functions = Object.values(res).filter((r) => r.Type === 'AWS::Serverless::Function');
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) {
      expect((fn.Properties as JsonObject).Runtime).toBe('nodejs22.x');
      expect((fn.Metadata as JsonObject).BuildMethod).toBe('esbuild');
    }
  });

  it.each(Object.keys(parameters))('parameter %s is constrained', (name) => {
    const p = parameters[name];
    const constrained = 'AllowedValues' in p || 'AllowedPattern' in p || ('MinValue' in p && 'MaxValue' in p);
    expect(constrained).toBe(true);
    expect(typeof p.Description).toBe('string');
  });

  it('groups and labels every parameter exactly once in the console interface', () => {
    const ui = (template.Metadata as JsonObject)['AWS::CloudFormation::Interface'] as JsonObject;
    const grouped = (ui.ParameterGroups as JsonObject[]).flatMap((g) => g.Parameters as string[]);
    expect([...grouped].sort()).toEqual(Object.keys(parameters).sort());
    expect(Object.keys(ui.ParameterLabels as JsonObject).sort()).toEqual(Object.keys(parameters).sort());
  });

  it('passes every pipeline parameter to the custom resource, and only properties the code parses', () => {
    const pipeline = Object.values(res).find((r) => r.Type === 'Custom::SiemPipeline')!;
    const props = Object.keys(pipeline.Properties as JsonObject).filter((k) => k !== 'ServiceToken' && k !== 'ServiceTimeout');
    for (const p of props) expect(ALLOWED_PROPERTIES).toContain(p);
    const pipelineParams = Object.keys(parameters).filter((p) => !STACK_ONLY_PARAMETERS.includes(p));
    expect(props.sort()).toEqual(pipelineParams.sort());
  });

  it('sets ServiceTimeout above the function timeout and well under the default hour', () => {
    const pipeline = Object.values(res).find((r) => r.Type === 'Custom::SiemPipeline')!;
    const timeout = Number((pipeline.Properties as JsonObject).ServiceTimeout);
    const fnTimeout = Number((res.ProvisionerFunction.Properties as JsonObject).Timeout);
    expect(timeout).toBeGreaterThan(fnTimeout);
    expect(timeout).toBeLessThanOrEqual(900);
  });

  it('gives every function an explicit log group with retention', () => {
    for (const [id, r] of Object.entries(res).filter(([, r]) => r.Type === 'AWS::Serverless::Function')) {
      const logging = (r.Properties as JsonObject).LoggingConfig as JsonObject | undefined;
      expect({ id, logGroup: logging?.LogGroup }).toEqual({ id, logGroup: { Ref: expect.any(String) } });
      const group = res[(logging!.LogGroup as JsonObject).Ref as string];
      expect(group.Type).toBe('AWS::Logs::LogGroup');
      expect((group.Properties as JsonObject).RetentionInDays).toBeDefined();
    }
  });
});

describe('template IAM: least privilege and escalation guards', () => {
  it('has permission statements to check', () => {
    expect(permissionStatements(template).length).toBeGreaterThan(3);
    expect(statementsAllowing(template, 'iam:CreateRole').length).toBeGreaterThan(0);
  });

  it('has no IAM findings: no * actions, scoped resources, boundary on every create, no boundary removal, guarded PassRole and trust', () => {
    expect(iamFindings(template)).toEqual([]);
  });

  it('scopes IAM principals to the pipeline path and this region', () => {
    for (const action of ['iam:CreateRole', 'iam:DeleteRole', 'iam:CreateUser', 'iam:DeleteUser']) {
      for (const { statement } of statementsAllowing(template, action)) {
        for (const arn of resourceStrings(statement)) {
          expect(arn).toMatch(
            /:(role|user)\/siem-pipeline\/siem-\*-\$\{AWS::Region\}-(\*|reader|cwl-to-kinesis|events-to-kinesis|flowlogs-to-cwl|trail-to-cwl)$/,
          );
        }
      }
    }
  });

  // Condition keys used by the template, each documented for its action in the Service Authorization Reference:
  // IAM (iam:PermissionsBoundary on Create/Delete Role, DeleteRolePolicy, DeleteUserPolicy, UpdateAssumeRolePolicy;
  // aws:ResourceTag on CreateAccessKey/DeleteAccessKey/DeleteUser; aws:TagKeys and aws:RequestTag on TagRole/TagUser)
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
  // EventBridge (events:TargetArn on PutTargets) .../list_amazoneventbridge.html
  // GuardDuty (aws:RequestTag/aws:TagKeys on CreateDetector and TagResource, aws:ResourceTag on UpdateDetector/DeleteDetector)
  // .../list_amazonguardduty.html; aws:RequestedRegion is a global key: .../IAM/latest/UserGuide/reference_policies_condition-keys.html
  it('the checks catch each kind of unsafe statement (fixture)', () => {
    const findings = iamFindings(loadTemplate('test/template/fixtures/escalation.yaml'));
    expect(findings).toEqual(
      expect.arrayContaining([
        'PipelineBoundary: wildcard action kinesis:*',
        'PipelineBoundary: unscoped resource *',
        'BadRole/bad/StarForScopableAction: unscoped resource *',
        'BadRole/bad: iam:CreateRole without the iam:PermissionsBoundary condition',
        'BadRole/bad: iam:PutUserPolicy without the iam:PermissionsBoundary condition',
        'BadRole/bad: allows iam:DeleteRolePermissionsBoundary',
        'BadRole/bad: allows iam:AttachRolePolicy',
        'BadRole/bad: iam:PassRole without iam:PassedToService',
        'BadRole/bad: iam:UpdateAssumeRolePolicy without the iam:PermissionsBoundary condition',
        'BadRole/bad: iam:DeleteRole without the iam:PermissionsBoundary condition',
        'BadRole/bad: iam:CreateAccessKey without our stack tag on the resource',
        'BadRole/bad: iam:TagRole without limits on tag keys and our stack tag value',
        'BadRole/bad: events:PutTargets without the events:TargetArn condition',
        'BadRole/bad: guardduty:UpdateDetector without the aws:ResourceTag/siem-pipeline:stack or aws:ResourceTag/siem-pipeline:adopted-stack condition',
        'BadRole/bad: guardduty:CreateDetector without the aws:RequestedRegion condition',
        'BadRole/bad: iam:CreateUser on users by a wildcard name without a Deny of nested paths',
        'BadRole: service trust without aws:SourceArn or aws:SourceAccount',
      ]),
    );
  });
});
