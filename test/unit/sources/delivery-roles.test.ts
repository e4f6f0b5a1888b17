import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { TAG_STACK } from '../../../src/config/names';
import { OwnershipConflictError } from '../../../src/support/errors';
import { eventsRoleComponent, flowLogsRoleComponent, logsRoleComponent, trailRoleComponent } from '../../../src/sources/delivery-roles';
import { policyJson } from '../../../src/components/policies';
import { sentCommands, sentRequests } from '../helpers/aws-mock';
import { createTestContext, OTHER_STACK_ID, TEST_BOUNDARY_ARN, testConfig } from '../helpers/context';
import { iam, ctx, A, R, ourTags, roles, role, noRole } from './delivery-roles-cases';

afterEach(() => iam.reset());
afterAll(() => iam.restore());

describe('delivery roles enabled', () => {
  const all = { EnableCloudTrail: 'true', EnableFlowLogs: 'true', EnableGuardDuty: 'true' };
  const none = { EnableCloudTrail: 'false', EnableFlowLogs: 'false', EnableGuardDuty: 'false' };
  it.each([
    // [case, props, region, logs, events, flowlogs, trail]
    ['every source on', all, R, true, true, true, true],
    ['every source off', none, R, false, false, false, false],
    ['CloudTrail alone', { ...none, EnableCloudTrail: 'true' }, R, true, false, false, true],
    ['CloudTrail homed in another region', { ...none, EnableCloudTrail: 'true', TrailHomeRegion: 'us-east-1' }, R, false, false, false, false],
    ['CloudTrail homed here', { ...none, EnableCloudTrail: 'true', TrailHomeRegion: R }, R, true, false, false, true],
    ['a reused trail log group', { ...none, EnableCloudTrail: 'true', ExistingTrailLogGroup: 'org-trail' }, R, true, false, false, false],
    ['flow logs alone', { ...none, EnableFlowLogs: 'true' }, R, true, false, true, false],
    ['flow logs in a non-home region', { ...all, TrailHomeRegion: 'us-east-1', EnableGuardDuty: 'false' }, R, true, false, true, false],
    ['GuardDuty alone', { ...none, EnableGuardDuty: 'true' }, R, false, true, false, false],
    ['an extra source alone', { ...none, ExtraEventSources: 'aws.securityhub' }, R, false, true, false, false],
  ])('%s', (_case, props, region, logs, events, flowlogs, trail) => {
    const c = createTestContext({ region }).ctx;
    const config = testConfig(props);
    expect([logsRoleComponent, eventsRoleComponent, flowLogsRoleComponent, trailRoleComponent].map((r) => r.enabled(config, c))).toEqual([
      logs,
      events,
      flowlogs,
      trail,
    ]);
  });
});

describe.each(roles)('%s', (id, c) => {
  const RoleName = c.roleName;
  const putPolicy = ['PutRolePolicyCommand', { RoleName, PolicyName: 'siem-pipeline', PolicyDocument: JSON.stringify(c.policy) }];

  it('has its id and no dependencies', () => {
    expect([c.component.id, c.component.dependsOn]).toEqual([id, []]);
  });

  it('creates the role under the path, with the boundary, our tags, its trust and its inline policy', async () => {
    iam.on(GetRoleCommand).rejects(noRole());
    iam.on(CreateRoleCommand).resolves(role(c));
    iam.on(PutRolePolicyCommand).resolves({});

    await expect(c.component.ensure(testConfig(), ctx)).resolves.toEqual({});

    expect(sentRequests(iam)).toEqual([
      ['GetRoleCommand', { RoleName }],
      [
        'CreateRoleCommand',
        {
          RoleName,
          Path: '/siem-pipeline/',
          AssumeRolePolicyDocument: JSON.stringify(c.trust),
          PermissionsBoundary: TEST_BOUNDARY_ARN,
          Description: c.description,
          Tags: ourTags,
        },
      ],
      putPolicy,
    ]);
  });

  it('converges an existing role of ours: trust only when it changed, the policy always', async () => {
    iam.on(GetRoleCommand).resolves(role(c, { AssumeRolePolicyDocument: encodeURIComponent(policyJson({ Version: '2012-10-17', Statement: [] })) }));
    iam.on(UpdateAssumeRolePolicyCommand).resolves({});
    iam.on(PutRolePolicyCommand).resolves({});

    await c.component.ensure(testConfig(), ctx);

    expect(sentRequests(iam)).toEqual([
      ['GetRoleCommand', { RoleName }],
      ['UpdateAssumeRolePolicyCommand', { RoleName, PolicyDocument: JSON.stringify(c.trust) }],
      putPolicy,
    ]);
  });

  it('refuses a role with its name that another stack owns', async () => {
    iam.on(GetRoleCommand).resolves(role(c, { Tags: [{ Key: TAG_STACK, Value: OTHER_STACK_ID }] }));

    await expect(c.component.ensure(testConfig(), ctx)).rejects.toThrow(OwnershipConflictError);
    expect(sentCommands(iam)).toEqual(['GetRoleCommand']);
  });

  it('removes the policy, then the role, of ours only', async () => {
    iam.on(GetRoleCommand).resolves(role(c));
    iam.on(DeleteRolePolicyCommand).resolves({});
    iam.on(DeleteRoleCommand).resolves({});

    await c.component.remove(testConfig(), ctx);

    expect(sentRequests(iam)).toEqual([
      ['GetRoleCommand', { RoleName }],
      ['DeleteRolePolicyCommand', { RoleName, PolicyName: 'siem-pipeline' }],
      ['DeleteRoleCommand', { RoleName }],
    ]);
  });

  it.each([
    ['not ours', () => iam.on(GetRoleCommand).resolves(role(c, { Tags: [{ Key: TAG_STACK, Value: OTHER_STACK_ID }] }))],
    ['gone', () => iam.on(GetRoleCommand).rejects(noRole())],
  ])('remove leaves it alone when %s', async (_case, arrange) => {
    arrange();
    await expect(c.component.remove(testConfig(), ctx)).resolves.toBeUndefined();
    expect(sentCommands(iam)).toEqual(['GetRoleCommand']);
  });

  it('inspects read-only: present when trust and policy match', async () => {
    iam.on(GetRoleCommand).resolves(role(c));
    iam.on(GetRolePolicyCommand).resolves({ RoleName, PolicyName: 'siem-pipeline', PolicyDocument: encodeURIComponent(JSON.stringify(c.policy)) });

    await expect(c.component.inspect(testConfig(), ctx)).resolves.toEqual({
      state: 'present',
      details: { roleArn: `arn:aws:iam::${A}:role/siem-pipeline/${RoleName}` },
    });
    expect(sentCommands(iam)).toEqual(['GetRoleCommand', 'GetRolePolicyCommand']);
  });
});

describe('delivery role inspect', () => {
  it('reports a role of ours that the config no longer wants', async () => {
    const c = roles.find(([id]) => id === 'trail-role')![1];
    iam.on(GetRoleCommand).resolves(role(c));
    iam.on(GetRolePolicyCommand).rejects(noRole());

    await expect(trailRoleComponent.inspect(testConfig({ EnableCloudTrail: 'false' }), ctx)).resolves.toEqual({
      state: 'drifted',
      details: {
        roleArn: `arn:aws:iam::${A}:role/siem-pipeline/${c.roleName}`,
        differences: ['not wanted by the config', 'inline policy missing or changed'],
      },
    });
  });

  it('the logs role also trusts the reused trail log group (ExistingTrailLogGroup), and no other group', async () => {
    iam.on(GetRoleCommand).rejects(noRole());
    iam.on(CreateRoleCommand).resolves(role(roles[0][1]));
    iam.on(PutRolePolicyCommand).resolves({});

    await logsRoleComponent.ensure(testConfig({ ExistingTrailLogGroup: 'org-trail/logs' }), createTestContext().ctx);

    const trust = JSON.parse(iam.commandCalls(CreateRoleCommand)[0].args[0].input.AssumeRolePolicyDocument!);
    const groups = ['/siem-pipeline/test/cloudtrail', '/siem-pipeline/test/vpc-flow-logs', 'org-trail/logs'].map(
      (g) => `arn:aws:logs:${R}:${A}:log-group:${g}`,
    );
    expect(trust.Statement[0].Condition.ArnLike).toEqual({ 'aws:SourceArn': groups.flatMap((g) => [g, `${g}:*`]) });
  });

  it('uses the partition of the region in every ARN it trusts', async () => {
    const cn = createTestContext({ region: 'cn-north-1' }).ctx;
    iam.on(GetRoleCommand).rejects(noRole());
    iam.on(CreateRoleCommand).resolves(role(roles[0][1]));
    iam.on(PutRolePolicyCommand).resolves({});

    await logsRoleComponent.ensure(testConfig(), cn);

    const trust = JSON.parse(iam.commandCalls(CreateRoleCommand)[0].args[0].input.AssumeRolePolicyDocument!);
    const groups = [
      `arn:aws-cn:logs:cn-north-1:${A}:log-group:/siem-pipeline/test/cloudtrail`,
      `arn:aws-cn:logs:cn-north-1:${A}:log-group:/siem-pipeline/test/vpc-flow-logs`,
    ];
    expect(trust.Statement[0].Condition.ArnLike).toEqual({ 'aws:SourceArn': groups.flatMap((g) => [g, `${g}:*`]) });
    const policy = JSON.parse(iam.commandCalls(PutRolePolicyCommand)[0].args[0].input.PolicyDocument!);
    expect(policy.Statement[0].Resource).toEqual([`arn:aws-cn:kinesis:cn-north-1:${A}:stream/siem-test`]);
  });
});
