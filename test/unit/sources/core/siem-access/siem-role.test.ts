import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  EntityAlreadyExistsException,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  NoSuchEntityException,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  type Role,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { TAG_NAME, TAG_STACK } from '../../../../../src/config/names';
import { OwnershipConflictError } from '../../../../../src/support/errors';
import { siemRoleComponent } from '../../../../../src/sources/core/siem-access/siem-role';
import { crossAccountTrustPolicy, policyJson, streamReaderPolicy } from '../../../../../src/components/policies';
import { awsError, sentCommands, sentRequests } from '../../../helpers/aws-mock';
import { createTestContext, OTHER_STACK_ID, TEST_BOUNDARY_ARN, TEST_READER_BOUNDARY_ARN, TEST_STACK_ID, testConfig } from '../../../helpers/context';

const iam = mockClient(IAMClient);
const { ctx } = createTestContext();
const RoleName = ctx.names.siemRole;
const ROLE_ARN = `arn:aws:iam::123456789012:role/siem-pipeline/${RoleName}`;
const SIEM_ACCOUNT = '210987654321';
const EXTERNAL_ID = 'siem-external-id-7f3a9c';
const props = (externalId = EXTERNAL_ID) => ({ SiemAccess: 'CrossAccountRole', SiemAccountId: SIEM_ACCOUNT, SiemExternalId: externalId });
const trust = (externalId = EXTERNAL_ID) => crossAccountTrustPolicy({ partition: 'aws', trustedAccountId: SIEM_ACCOUNT, externalId });
const ourTags = [
  { Key: TAG_NAME, Value: 'test' },
  { Key: TAG_STACK, Value: TEST_STACK_ID },
];
const putPolicy = ['PutRolePolicyCommand', { RoleName, PolicyName: 'siem-pipeline', PolicyDocument: policyJson(streamReaderPolicy(ctx.names.streamArn)) }];

/** A role as GetRole returns it: the trust document URL-encoded. */
function role(over: Partial<Role> = {}, externalId = EXTERNAL_ID): { Role: Role } {
  return {
    Role: {
      Path: '/siem-pipeline/',
      RoleName,
      RoleId: 'AROAROLEID',
      Arn: ROLE_ARN,
      CreateDate: new Date(0),
      AssumeRolePolicyDocument: encodeURIComponent(policyJson(trust(externalId))),
      Tags: ourTags,
      PermissionsBoundary: { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: TEST_READER_BOUNDARY_ARN },
      ...over,
    },
  };
}
const noRole = () => awsError(NoSuchEntityException, `The role with name ${RoleName} cannot be found.`, 'NoSuchEntity');

afterEach(() => iam.reset());
afterAll(() => iam.restore());

describe('siem-role enabled', () => {
  it.each([
    [props(), true],
    [{ SiemAccess: 'IamUser' }, false],
  ])('%j -> %s', (p, expected) => {
    expect(siemRoleComponent.enabled(testConfig(p), ctx)).toBe(expected);
  });
});

describe('siem-role ensure', () => {
  it('creates the role under the path with the boundary and a trust that requires the ExternalId', async () => {
    const t = createTestContext();
    iam.on(GetRoleCommand).rejects(noRole());
    iam.on(CreateRoleCommand).resolves(role());
    iam.on(PutRolePolicyCommand).resolves({});

    await expect(siemRoleComponent.ensure(testConfig(props()), t.ctx)).resolves.toEqual({ ReaderRoleArn: ROLE_ARN });

    expect(sentRequests(iam)).toEqual([
      ['GetRoleCommand', { RoleName }],
      [
        'CreateRoleCommand',
        {
          RoleName,
          Path: '/siem-pipeline/',
          AssumeRolePolicyDocument: policyJson(trust()),
          PermissionsBoundary: TEST_READER_BOUNDARY_ARN,
          Description: 'SIEM read access to Kinesis stream siem-test',
          Tags: ourTags,
        },
      ],
      putPolicy,
    ]);
    expect(JSON.parse(iam.commandCalls(CreateRoleCommand)[0].args[0].input.AssumeRolePolicyDocument!)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${SIEM_ACCOUNT}:root` },
          Action: ['sts:AssumeRole'],
          Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } },
        },
      ],
    });
    expect(t.logLines.join('\n')).not.toContain(EXTERNAL_ID);
  });

  it("re-creates a reader role of ours made with another boundary (an older version's): the boundary itself cannot be changed", async () => {
    const t = createTestContext();
    const old = role({ PermissionsBoundary: { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: TEST_BOUNDARY_ARN } });
    iam.on(GetRoleCommand).resolvesOnce(old).resolvesOnce(old);
    iam.on(DeleteRolePolicyCommand).resolves({});
    iam.on(DeleteRoleCommand).resolves({});
    iam.on(CreateRoleCommand).resolves(role());
    iam.on(PutRolePolicyCommand).resolves({});

    await siemRoleComponent.ensure(testConfig(props()), t.ctx);

    expect(sentCommands(iam)).toEqual([
      'GetRoleCommand',
      'GetRoleCommand',
      'DeleteRolePolicyCommand',
      'DeleteRoleCommand',
      'CreateRoleCommand',
      'PutRolePolicyCommand',
    ]);
    expect(iam).toHaveReceivedCommandWith(CreateRoleCommand, { PermissionsBoundary: TEST_READER_BOUNDARY_ARN });
    expect(t.logLines.join('\n')).toContain('re-creating: its permissions boundary is not the one the template sets now');
  });

  it('leaves the trust policy alone when IAM (URL-encoded) already holds the same document', async () => {
    iam.on(GetRoleCommand).resolves(role());
    iam.on(PutRolePolicyCommand).resolves({});

    await siemRoleComponent.ensure(testConfig(props()), ctx);

    expect(sentRequests(iam)).toEqual([['GetRoleCommand', { RoleName }], putPolicy]);
  });

  it('updates the trust policy when the ExternalId changed, without logging either value', async () => {
    const t = createTestContext();
    iam.on(GetRoleCommand).resolves(role({}, 'old-external-id-1'));
    iam.on(UpdateAssumeRolePolicyCommand).resolves({});
    iam.on(PutRolePolicyCommand).resolves({});

    await siemRoleComponent.ensure(testConfig(props()), t.ctx);

    expect(sentRequests(iam)).toEqual([
      ['GetRoleCommand', { RoleName }],
      ['UpdateAssumeRolePolicyCommand', { RoleName, PolicyDocument: policyJson(trust()) }],
      putPolicy,
    ]);
    const logged = t.logLines.join('\n');
    expect(logged).not.toContain(EXTERNAL_ID);
    expect(logged).not.toContain('old-external-id-1');
  });

  it('converges a role a duplicate delivery created first (EntityAlreadyExists)', async () => {
    iam.on(GetRoleCommand).rejectsOnce(noRole()).resolves(role());
    iam.on(CreateRoleCommand).rejects(awsError(EntityAlreadyExistsException, `Role with name ${RoleName} already exists.`, 'EntityAlreadyExists'));
    iam.on(PutRolePolicyCommand).resolves({});

    await expect(siemRoleComponent.ensure(testConfig(props()), ctx)).resolves.toEqual({ ReaderRoleArn: ROLE_ARN });
    expect(sentCommands(iam)).toEqual(['GetRoleCommand', 'CreateRoleCommand', 'GetRoleCommand', 'PutRolePolicyCommand']);
  });

  it('retries the policy on a role IAM has only just created until it is visible', async () => {
    iam.on(GetRoleCommand).rejects(noRole());
    iam.on(CreateRoleCommand).resolves(role());
    iam.on(PutRolePolicyCommand).rejectsOnce(noRole()).resolves({});

    await siemRoleComponent.ensure(testConfig(props()), ctx);

    expect(iam).toHaveReceivedCommandTimes(PutRolePolicyCommand, 2);
  });

  it.each([
    ['another stack', [{ Key: TAG_STACK, Value: OTHER_STACK_ID }]],
    ['no one', undefined],
  ])('refuses a role with our name that belongs to %s, changing nothing', async (_owner, Tags) => {
    iam.on(GetRoleCommand).resolves(role({ Tags }, 'their-external-id'));

    const ensuring = siemRoleComponent.ensure(testConfig(props()), ctx);

    await expect(ensuring).rejects.toThrow(OwnershipConflictError);
    await expect(ensuring).rejects.toThrow(`IAM role ${RoleName} exists but is not managed by this stack`);
    expect(sentCommands(iam)).toEqual(['GetRoleCommand']);
  });
});

describe('siem-role remove', () => {
  it('deletes the inline policy, then the role', async () => {
    iam.on(GetRoleCommand).resolves(role());
    iam.on(DeleteRolePolicyCommand).resolves({});
    iam.on(DeleteRoleCommand).resolves({});

    await siemRoleComponent.remove(testConfig(props()), ctx);

    expect(sentRequests(iam)).toEqual([
      ['GetRoleCommand', { RoleName }],
      ['DeleteRolePolicyCommand', { RoleName, PolicyName: 'siem-pipeline' }],
      ['DeleteRoleCommand', { RoleName }],
    ]);
  });

  it.each([
    ['the role does not exist', () => iam.on(GetRoleCommand).rejects(noRole()), ['GetRoleCommand']],
    [
      'policy and role vanish meanwhile',
      () => {
        iam.on(GetRoleCommand).resolves(role());
        iam.on(DeleteRolePolicyCommand).rejects(noRole());
        iam.on(DeleteRoleCommand).rejects(noRole());
      },
      ['GetRoleCommand', 'DeleteRolePolicyCommand', 'DeleteRoleCommand'],
    ],
  ])('is done when %s', async (_case, arrange, expected) => {
    arrange();
    await expect(siemRoleComponent.remove(testConfig(props()), ctx)).resolves.toBeUndefined();
    expect(sentCommands(iam)).toEqual(expected);
  });

  it('leaves a role that is not ours in place', async () => {
    iam.on(GetRoleCommand).resolves(role({ Tags: [{ Key: TAG_STACK, Value: OTHER_STACK_ID }] }));

    await siemRoleComponent.remove(testConfig(props()), ctx);

    expect(sentCommands(iam)).toEqual(['GetRoleCommand']);
  });

  it('removes by name even when the config now asks for an IAM user (the access kind was switched)', async () => {
    iam.on(GetRoleCommand).resolves(role());
    iam.on(DeleteRolePolicyCommand).resolves({});
    iam.on(DeleteRoleCommand).resolves({});

    await siemRoleComponent.remove(testConfig({ SiemAccess: 'IamUser' }), ctx);

    expect(iam).toHaveReceivedCommandWith(DeleteRoleCommand, { RoleName });
  });
});

describe('siem-role inspect', () => {
  const readerPolicy = encodeURIComponent(policyJson(streamReaderPolicy(ctx.names.streamArn)));

  it.each([
    ['absent without a role', () => iam.on(GetRoleCommand).rejects(noRole()), { state: 'absent' }],
    [
      'present when trust and policy match',
      () => {
        iam.on(GetRoleCommand).resolves(role());
        iam.on(GetRolePolicyCommand).resolves({ RoleName, PolicyName: 'siem-pipeline', PolicyDocument: readerPolicy });
      },
      { state: 'present', details: { roleArn: ROLE_ARN } },
    ],
    [
      'drifted when the trust differs and the policy is gone',
      () => {
        iam.on(GetRoleCommand).resolves(role({}, 'other-external-id'));
        iam.on(GetRolePolicyCommand).rejects(noRole());
      },
      { state: 'drifted', details: { roleArn: ROLE_ARN, differences: ['trust policy changed', 'reader policy missing or changed'] } },
    ],
  ])('%s', async (_case, arrange, expected) => {
    arrange();
    await expect(siemRoleComponent.inspect(testConfig(props()), ctx)).resolves.toEqual(expected);
    expect(sentCommands(iam).every((c) => c.startsWith('Get'))).toBe(true);
  });

  it('reports a role of ours as not wanted when the config asks for an IAM user', async () => {
    iam.on(GetRoleCommand).resolves(role());
    iam.on(GetRolePolicyCommand).resolves({ RoleName, PolicyName: 'siem-pipeline', PolicyDocument: readerPolicy });

    await expect(siemRoleComponent.inspect(testConfig({ SiemAccess: 'IamUser' }), ctx)).resolves.toEqual({
      state: 'drifted',
      details: { roleArn: ROLE_ARN, differences: ['not wanted: SiemAccess is IamUser'] },
    });
  });
});
