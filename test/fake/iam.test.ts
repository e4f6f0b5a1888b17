import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  GetRoleCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  ListAccessKeysCommand,
  NoSuchEntityException,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  UpdateAssumeRolePolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { isAwsError } from '../../src/support/errors';
import { FakeAccount } from './account';

const BOUNDARY = 'arn:aws:iam::123456789012:policy/siem-boundary';
const READ = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['kinesis:GetRecords'], Resource: ['arn:aws:kinesis:us-east-1:123456789012:stream/s1'] }],
});
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::210987654321:root' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'x' } } },
  ],
});

function iamOf(fake: FakeAccount): IAMClient {
  return fake.clients().iam;
}

describe('fake IAM', () => {
  it('creates a user under a path with boundary and tags, answering with IAM ARNs and ids', async () => {
    const iam = iamOf(new FakeAccount());
    await iam.send(
      new CreateUserCommand({
        UserName: 'reader',
        Path: '/siem-pipeline/',
        PermissionsBoundary: BOUNDARY,
        Tags: [{ Key: 'siem-pipeline:name', Value: 'demo' }],
      }),
    );
    const { User } = await iam.send(new GetUserCommand({ UserName: 'reader' }));
    expect(User).toEqual({
      Path: '/siem-pipeline/',
      UserName: 'reader',
      UserId: expect.stringMatching(/^AIDA[A-Z2-7]{17}$/),
      Arn: 'arn:aws:iam::123456789012:user/siem-pipeline/reader',
      CreateDate: expect.any(Date),
      PermissionsBoundary: { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: BOUNDARY },
      Tags: [{ Key: 'siem-pipeline:name', Value: 'demo' }],
    });
  });

  it('names errors as the SDK does for a real IAM response: class name in name, wire code in Code', async () => {
    const iam = iamOf(new FakeAccount());
    const err = await iam.send(new GetUserCommand({ UserName: 'nobody' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoSuchEntityException);
    expect(err).toMatchObject({
      name: 'NoSuchEntityException',
      Code: 'NoSuchEntity',
      message: 'The user with name nobody cannot be found.',
      $metadata: { httpStatusCode: 404 },
    });
    expect(isAwsError(err, 'NoSuchEntity')).toBe(true);
  });

  it('treats names case-insensitively: a second user differing only in case already exists', async () => {
    const iam = iamOf(new FakeAccount());
    await iam.send(new CreateUserCommand({ UserName: 'Reader' }));
    await expect(iam.send(new CreateUserCommand({ UserName: 'reader' }))).rejects.toMatchObject({
      Code: 'EntityAlreadyExists',
      message: 'User with name reader already exists.',
    });
  });

  it('returns policy documents URL-encoded, as IAM does', async () => {
    const iam = iamOf(new FakeAccount());
    await iam.send(new CreateRoleCommand({ RoleName: 'r', Path: '/siem-pipeline/', AssumeRolePolicyDocument: TRUST }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'p', PolicyDocument: READ }));
    await iam.send(new CreateUserCommand({ UserName: 'u' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'u', PolicyName: 'p', PolicyDocument: READ }));

    const role = (await iam.send(new GetRoleCommand({ RoleName: 'r' }))).Role!;
    expect(role.Arn).toBe('arn:aws:iam::123456789012:role/siem-pipeline/r');
    expect(role.AssumeRolePolicyDocument).toMatch(/^%7B%22Version%22%3A%222012-10-17%22/);
    expect(JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument!))).toEqual(JSON.parse(TRUST));
    const policy = await iam.send(new GetUserPolicyCommand({ UserName: 'u', PolicyName: 'p' }));
    expect(decodeURIComponent(policy.PolicyDocument!)).toBe(READ);

    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'r', PolicyDocument: TRUST.replace('"x"', '"y"') }));
    const updated = (await iam.send(new GetRoleCommand({ RoleName: 'r' }))).Role!;
    expect(decodeURIComponent(updated.AssumeRolePolicyDocument!)).toBe(TRUST.replace('"x"', '"y"'));
  });

  it.each([
    ['invalid JSON', '{', 'identity', 'This policy contains invalid Json'],
    [
      'no Resource',
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kinesis:GetRecords' }] }),
      'identity',
      'Policy statement must contain resources.',
    ],
    [
      'an action without a service prefix',
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'GetRecords', Resource: '*' }] }),
      'identity',
      'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
    ],
    ['a Principal in an identity policy', TRUST, 'identity', 'Policy document should not specify a principal.'],
    ['a Resource in a trust policy', READ, 'trust', 'Has prohibited field Resource'],
  ])('refuses a policy with %s as MalformedPolicyDocument', async (_what, doc, kind, message) => {
    const iam = iamOf(new FakeAccount());
    const call =
      kind === 'trust'
        ? iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: doc }))
        : iam
            .send(new CreateUserCommand({ UserName: 'u' }))
            .then(() => iam.send(new PutUserPolicyCommand({ UserName: 'u', PolicyName: 'p', PolicyDocument: doc })));
    await expect(call).rejects.toMatchObject({ name: 'MalformedPolicyDocumentException', Code: 'MalformedPolicyDocument', message });
  });

  it('allows two access keys per user and refuses a third with LimitExceeded', async () => {
    const fakeAccount = new FakeAccount();
    const iam = iamOf(fakeAccount);
    await iam.send(new CreateUserCommand({ UserName: 'u' }));
    const first = (await iam.send(new CreateAccessKeyCommand({ UserName: 'u' }))).AccessKey!;
    await iam.send(new CreateAccessKeyCommand({ UserName: 'u' }));

    expect(first).toMatchObject({
      UserName: 'u',
      AccessKeyId: expect.stringMatching(/^AKIA[A-Z2-7]{16}$/),
      Status: 'Active',
      SecretAccessKey: expect.stringMatching(/^.{40}$/),
    });
    expect(fakeAccount.iam.issuedSecrets).toContain(first.SecretAccessKey);
    await expect(iam.send(new CreateAccessKeyCommand({ UserName: 'u' }))).rejects.toMatchObject({
      Code: 'LimitExceeded',
      message: 'Cannot exceed quota for AccessKeysPerUser: 2',
    });
    const listed = await iam.send(new ListAccessKeysCommand({ UserName: 'u' }));
    expect(listed.AccessKeyMetadata).toHaveLength(2);
  });

  it('refuses to delete a user or role that still has keys or policies, with DeleteConflict', async () => {
    const iam = iamOf(new FakeAccount());
    await iam.send(new CreateUserCommand({ UserName: 'u' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'u', PolicyName: 'p', PolicyDocument: READ }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'u' }))).AccessKey!;
    await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'p', PolicyDocument: READ }));

    await expect(iam.send(new DeleteUserCommand({ UserName: 'u' }))).rejects.toMatchObject({
      Code: 'DeleteConflict',
      message: 'Cannot delete entity, must delete policies first.',
    });
    await iam.send(new DeleteUserPolicyCommand({ UserName: 'u', PolicyName: 'p' }));
    await expect(iam.send(new DeleteUserCommand({ UserName: 'u' }))).rejects.toMatchObject({
      Code: 'DeleteConflict',
      message: 'Cannot delete entity, must delete access keys first.',
    });
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'u', AccessKeyId: key.AccessKeyId }));
    await iam.send(new DeleteUserCommand({ UserName: 'u' }));

    await expect(iam.send(new DeleteRoleCommand({ RoleName: 'r' }))).rejects.toMatchObject({ Code: 'DeleteConflict' });
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'r', PolicyName: 'p' }));
    await iam.send(new DeleteRoleCommand({ RoleName: 'r' }));
    await expect(iam.send(new DeleteRolePolicyCommand({ RoleName: 'r', PolicyName: 'p' }))).rejects.toMatchObject({ Code: 'NoSuchEntity' });
  });

  it('enforces the 2048-character quota on a user inline policies', async () => {
    const iam = iamOf(new FakeAccount());
    await iam.send(new CreateUserCommand({ UserName: 'u' }));
    const big = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['kinesis:GetRecords'],
          Resource: Array.from({ length: 40 }, (_, i) => `arn:aws:kinesis:us-east-1:123456789012:stream/stream-${i}`),
        },
      ],
    });
    await expect(iam.send(new PutUserPolicyCommand({ UserName: 'u', PolicyName: 'p', PolicyDocument: big }))).rejects.toMatchObject({
      Code: 'LimitExceeded',
      message: 'Maximum policy size of 2048 bytes exceeded for user u',
    });
  });
});
