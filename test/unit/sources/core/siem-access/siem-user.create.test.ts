import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  EntityAlreadyExistsException,
  GetUserCommand,
  ListAccessKeysCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  TagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { TAG_STACK } from '../../../../../src/config/names';
import { OwnershipConflictError } from '../../../../../src/support/errors';
import { keyHash, SECRET_TAG_KEY_HASH, SECRET_TAG_ROTATION } from '../../../../../src/sources/core/siem-access/reader-secret';
import { siemUserComponent } from '../../../../../src/sources/core/siem-access/siem-user';
import { awsError, sentCommands, sentRequests } from '../../../helpers/aws-mock';
import { createTestContext, OTHER_STACK_ID, TEST_READER_BOUNDARY_ARN, testConfig } from '../../../helpers/context';
import {
  ctx,
  getSecretPolicy,
  iam,
  keys,
  NEW_KEY,
  noSecret,
  noUser,
  OLD_KEY,
  ourTags,
  POLICY,
  putPolicy,
  putSecretPolicy,
  SECRET_ARN,
  secret,
  SecretName,
  secrets,
  secretValue,
  useSiemUserMocks,
  user,
  USER_ARN,
  UserName,
} from './siem-user.helpers';

useSiemUserMocks();

describe('siem-user enabled', () => {
  it.each([
    [{}, true],
    [{ SiemAccess: 'IamUser' }, true],
    [{ SiemAccess: 'CrossAccountRole', SiemAccountId: '210987654321', SiemExternalId: 'ext-id-1' }, false],
  ])('%j -> %s', (props, expected) => {
    expect(siemUserComponent.enabled(testConfig(props), ctx)).toBe(expected);
  });
});

describe('siem-user ensure: create and take over', () => {
  it('creates the user under the path with the boundary, its policy, a key, and a secret holding the key', async () => {
    const t = createTestContext();
    iam.on(GetUserCommand).rejects(noUser());
    iam.on(CreateUserCommand).resolves(user());
    iam.on(PutUserPolicyCommand).resolves({});
    iam.on(CreateAccessKeyCommand).resolves({ AccessKey: NEW_KEY });
    secrets.on(DescribeSecretCommand).rejects(noSecret());
    secrets.on(CreateSecretCommand).resolves({ ARN: SECRET_ARN, Name: SecretName });

    const out = await siemUserComponent.ensure(testConfig({ AccessKeyRotation: 'v1' }), t.ctx);

    expect(out).toEqual({ SecretArn: SECRET_ARN, ReaderUserArn: USER_ARN });
    // A user that is not there has no keys to list, and a secret that is not there no policy to read.
    expect(sentRequests(iam)).toEqual([
      ['GetUserCommand', { UserName }],
      ['CreateUserCommand', { UserName, Path: '/siem-pipeline/', PermissionsBoundary: TEST_READER_BOUNDARY_ARN, Tags: ourTags }],
      putPolicy,
      ['CreateAccessKeyCommand', { UserName }],
    ]);
    expect(sentCommands(secrets)).toEqual(['DescribeSecretCommand', 'CreateSecretCommand', 'PutResourcePolicyCommand']);
    expect(sentRequests(secrets)[2]).toEqual(putSecretPolicy);
    const created = secrets.commandCalls(CreateSecretCommand)[0].args[0].input;
    expect({ ...created, SecretString: JSON.parse(created.SecretString!) }).toEqual({
      Name: SecretName,
      Description: 'Access key of the SIEM reader of Kinesis stream siem-test',
      SecretString: secretValue(),
      Tags: [...ourTags, { Key: SECRET_TAG_KEY_HASH, Value: keyHash(NEW_KEY.AccessKeyId) }, { Key: SECRET_TAG_ROTATION, Value: 'v1' }],
    });
    // The key id is not published in a tag, only its hash.
    expect(JSON.stringify(created.Tags)).not.toContain(NEW_KEY.AccessKeyId);
    const logged = t.logLines.join('\n');
    expect(logged).not.toContain(NEW_KEY.SecretAccessKey);
    expect(logged).not.toContain(NEW_KEY.AccessKeyId);
    expect(JSON.stringify(out)).not.toContain(NEW_KEY.AccessKeyId);
  });

  it('does nothing to the key when the secret names a live key made for the same rotation value (duplicate delivery)', async () => {
    iam.on(GetUserCommand).resolves(user());
    iam.on(PutUserPolicyCommand).resolves({});
    iam.on(ListAccessKeysCommand).resolves(keys(OLD_KEY));
    secrets.on(DescribeSecretCommand).resolves(secret(OLD_KEY, 'v1'));
    secrets.on(GetResourcePolicyCommand).resolves({ ARN: SECRET_ARN, ResourcePolicy: POLICY });

    const out = await siemUserComponent.ensure(testConfig({ AccessKeyRotation: 'v1' }), ctx);

    expect(out).toEqual({ SecretArn: SECRET_ARN, ReaderUserArn: USER_ARN });
    expect(sentRequests(iam)).toEqual([['GetUserCommand', { UserName }], ['ListAccessKeysCommand', { UserName }], putPolicy]);
    expect(sentRequests(secrets)).toEqual([['DescribeSecretCommand', { SecretId: SecretName }], getSecretPolicy]);
  });

  it('takes over the user when a duplicate delivery created it first (EntityAlreadyExists), keeping the key it put in the secret', async () => {
    iam.on(GetUserCommand).rejectsOnce(noUser()).resolves(user());
    iam.on(CreateUserCommand).rejects(awsError(EntityAlreadyExistsException, `User with name ${UserName} already exists.`, 'EntityAlreadyExists'));
    iam.on(PutUserPolicyCommand).resolves({});
    iam.on(ListAccessKeysCommand).resolves(keys(OLD_KEY));
    secrets.on(DescribeSecretCommand).resolves(secret(OLD_KEY, '1'));

    await expect(siemUserComponent.ensure(testConfig(), ctx)).resolves.toEqual({ SecretArn: SECRET_ARN, ReaderUserArn: USER_ARN });
    expect(sentCommands(iam)).toEqual(['GetUserCommand', 'CreateUserCommand', 'GetUserCommand', 'ListAccessKeysCommand', 'PutUserPolicyCommand']);
  });

  it('takes over the secret when a duplicate delivery created it first (ResourceExistsException)', async () => {
    iam.on(GetUserCommand).resolves(user());
    iam.on(PutUserPolicyCommand).resolves({});
    iam.on(ListAccessKeysCommand).resolves(keys());
    iam.on(CreateAccessKeyCommand).resolves({ AccessKey: NEW_KEY });
    secrets.on(DescribeSecretCommand).rejectsOnce(noSecret()).resolves(secret(undefined, undefined));
    secrets.on(CreateSecretCommand).rejects(awsError(ResourceExistsException, `The operation failed because the secret ${SecretName} already exists.`));
    secrets.on(PutSecretValueCommand).resolves({ ARN: SECRET_ARN });
    secrets.on(TagResourceCommand).resolves({});

    await expect(siemUserComponent.ensure(testConfig(), ctx)).resolves.toEqual({ SecretArn: SECRET_ARN, ReaderUserArn: USER_ARN });
    expect(sentCommands(secrets)).toEqual([
      'DescribeSecretCommand',
      'CreateSecretCommand',
      'DescribeSecretCommand',
      'PutSecretValueCommand',
      'TagResourceCommand',
      'PutResourcePolicyCommand',
    ]);
  });

  it('retries calls on a user IAM has only just created until it is visible', async () => {
    iam.on(GetUserCommand).rejects(noUser());
    iam.on(CreateUserCommand).resolves(user());
    iam.on(PutUserPolicyCommand).rejectsOnce(noUser()).resolves({});
    iam.on(CreateAccessKeyCommand).resolves({ AccessKey: NEW_KEY });
    secrets.on(DescribeSecretCommand).rejects(noSecret());
    secrets.on(CreateSecretCommand).resolves({ ARN: SECRET_ARN });

    await siemUserComponent.ensure(testConfig(), ctx);

    expect(iam).toHaveReceivedCommandTimes(PutUserPolicyCommand, 2);
  });

  it("fails before its first write when the provisioner's role is not known (the secret's policy would lock it out)", async () => {
    iam.on(GetUserCommand).rejects(noUser());
    secrets.on(DescribeSecretCommand).rejects(noSecret());

    await expect(siemUserComponent.ensure(testConfig(), { ...ctx, provisionerRoleArn: undefined })).rejects.toThrow('PROVISIONER_ROLE_ARN is not set');
    expect(sentCommands(iam)).toEqual(['GetUserCommand']);
    expect(sentCommands(secrets)).toEqual(['DescribeSecretCommand']);
  });

  it.each([
    ['the user belongs to another stack', user({ Tags: [{ Key: TAG_STACK, Value: OTHER_STACK_ID }] }), secret(OLD_KEY, '1'), `IAM user ${UserName}`],
    ['the user was made by hand', user({ Tags: undefined }), secret(OLD_KEY, '1'), `IAM user ${UserName}`],
    ['the secret belongs to another stack', user(), { ...secret(OLD_KEY, '1'), Tags: [{ Key: TAG_STACK, Value: OTHER_STACK_ID }] }, `secret ${SecretName}`],
  ])('refuses when %s, with reads only: no key made, no secret written', async (_case, found, foundSecret, what) => {
    iam.on(GetUserCommand).resolves(found);
    iam.on(PutUserPolicyCommand).resolves({});
    iam.on(ListAccessKeysCommand).resolves(keys(OLD_KEY));
    secrets.on(DescribeSecretCommand).resolves(foundSecret);

    const ensuring = siemUserComponent.ensure(testConfig({ AccessKeyRotation: 'v2' }), ctx);

    await expect(ensuring).rejects.toThrow(OwnershipConflictError);
    await expect(ensuring).rejects.toThrow(`${what} exists but is not managed by this stack`);
    // Keys and policies are read only from what is ours.
    const userOurs = what.startsWith('secret');
    expect(sentCommands(iam)).toEqual(userOurs ? ['GetUserCommand', 'ListAccessKeysCommand'] : ['GetUserCommand']);
    expect(sentCommands(secrets)).toEqual(userOurs ? ['DescribeSecretCommand'] : ['DescribeSecretCommand', 'GetResourcePolicyCommand']);
  });
});
