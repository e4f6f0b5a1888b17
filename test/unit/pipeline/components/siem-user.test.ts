import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteConflictException,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  EntityAlreadyExistsException,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  NoSuchEntityException,
  PutUserPolicyCommand,
  type User,
} from '@aws-sdk/client-iam';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RestoreSecretCommand,
  SecretsManagerClient,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
  type DescribeSecretResponse,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { TAG_NAME, TAG_STACK } from '../../../../src/config/names';
import { OwnershipConflictError } from '../../../../src/support/errors';
import { keyHash, LEGACY_SECRET_TAG_KEY_ID, SECRET_TAG_KEY_HASH, SECRET_TAG_ROTATION } from '../../../../src/components/siem-access/reader-secret';
import { siemUserComponent } from '../../../../src/components/siem-access/siem-user';
import { readerSecretPolicy } from '../../../../src/components/siem-access/secret-policy';
import { policyJson, streamReaderPolicy } from '../../../../src/components/policies';
import { awsError, sentCommands, sentRequests, timeline } from '../../helpers/aws-mock';
import { createTestContext, OTHER_STACK_ID, TEST_PROVISIONER_ROLE_ARN, TEST_READER_BOUNDARY_ARN, TEST_STACK_ID, testConfig } from '../../helpers/context';

const iam = mockClient(IAMClient);
const secrets = mockClient(SecretsManagerClient);
const { ctx } = createTestContext();
const UserName = ctx.names.siemUser;
const SecretName = ctx.names.siemSecret;
const USER_ARN = `arn:aws:iam::123456789012:user/siem-pipeline/${UserName}`;
const SECRET_ARN = `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${SecretName}-AbCdEf`;
const ourTags = [
  { Key: TAG_NAME, Value: 'test' },
  { Key: TAG_STACK, Value: TEST_STACK_ID },
];
/** Access key material the mocks hand out: it must never reach a log line or an output. */
const NEW_KEY = { UserName, AccessKeyId: 'AKIANEWKEY0000000002', SecretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYNEWSECRET', Status: 'Active' as const };

function user(over: Partial<User> = {}): { User: User } {
  const PermissionsBoundary = { PermissionsBoundaryType: 'PermissionsBoundaryPolicy' as const, PermissionsBoundaryArn: TEST_READER_BOUNDARY_ARN };
  return {
    User: { Path: '/siem-pipeline/', UserName, UserId: 'AIDAUSERID', Arn: USER_ARN, CreateDate: new Date(0), Tags: ourTags, PermissionsBoundary, ...over },
  };
}

function secret(keyId: string | undefined, rotation: string | undefined, over: Partial<DescribeSecretResponse> = {}): DescribeSecretResponse {
  return {
    ARN: SECRET_ARN,
    Name: SecretName,
    Tags: [
      ...ourTags,
      ...(keyId ? [{ Key: SECRET_TAG_KEY_HASH, Value: keyHash(keyId) }] : []),
      ...(rotation !== undefined ? [{ Key: SECRET_TAG_ROTATION, Value: rotation }] : []),
    ],
    ...over,
  };
}

const keys = (...ids: string[]) => ({ AccessKeyMetadata: ids.map((AccessKeyId) => ({ UserName, AccessKeyId, Status: 'Active' as const })) });
const noUser = () => awsError(NoSuchEntityException, `The user with name ${UserName} cannot be found.`, 'NoSuchEntity');
const noSecret = () => awsError(ResourceNotFoundException, "Secrets Manager can't find the specified secret.");
const secretValue = () => ({
  accessKeyId: NEW_KEY.AccessKeyId,
  secretAccessKey: NEW_KEY.SecretAccessKey,
  streamName: 'siem-test',
  streamArn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/siem-test',
  region: 'eu-west-1',
});
const putPolicy = ['PutUserPolicyCommand', { UserName, PolicyName: 'siem-pipeline', PolicyDocument: policyJson(streamReaderPolicy(ctx.names.streamArn)) }];

/** The resource policy of a secret without named readers: only the provisioner gets in. */
const POLICY = JSON.stringify(readerSecretPolicy({ provisionerRoleArn: TEST_PROVISIONER_ROLE_ARN, readers: [] }));
const policyWrites = [
  ['GetResourcePolicyCommand', { SecretId: SECRET_ARN }],
  ['PutResourcePolicyCommand', { SecretId: SECRET_ARN, ResourcePolicy: POLICY, BlockPublicPolicy: true }],
];

beforeEach(() => {
  // A secret without a resource policy yet: every ensure puts it.
  secrets.on(GetResourcePolicyCommand).resolves({ ARN: SECRET_ARN });
  secrets.on(PutResourcePolicyCommand).resolves({ ARN: SECRET_ARN });
});
afterEach(() => {
  iam.reset();
  secrets.reset();
});
afterAll(() => {
  iam.restore();
  secrets.restore();
});

describe('siem-user enabled', () => {
  it.each([
    [{}, true],
    [{ SiemAccess: 'IamUser' }, true],
    [{ SiemAccess: 'CrossAccountRole', SiemAccountId: '210987654321', SiemExternalId: 'ext-id-1' }, false],
  ])('%j -> %s', (props, expected) => {
    expect(siemUserComponent.enabled(testConfig(props), ctx)).toBe(expected);
  });
});

describe('siem-user ensure', () => {
  it('creates the user under the path with the boundary, its policy, a key, and a secret holding the key', async () => {
    const t = createTestContext();
    iam.on(GetUserCommand).rejects(noUser());
    iam.on(CreateUserCommand).resolves(user());
    iam.on(PutUserPolicyCommand).resolves({});
    iam.on(ListAccessKeysCommand).resolves(keys());
    iam.on(CreateAccessKeyCommand).resolves({ AccessKey: NEW_KEY });
    secrets.on(DescribeSecretCommand).rejects(noSecret());
    secrets.on(CreateSecretCommand).resolves({ ARN: SECRET_ARN, Name: SecretName });

    const out = await siemUserComponent.ensure(testConfig({ AccessKeyRotation: 'v1' }), t.ctx);

    expect(out).toEqual({ SecretArn: SECRET_ARN, ReaderUserArn: USER_ARN });
    expect(sentRequests(iam)).toEqual([
      ['GetUserCommand', { UserName }],
      ['CreateUserCommand', { UserName, Path: '/siem-pipeline/', PermissionsBoundary: TEST_READER_BOUNDARY_ARN, Tags: ourTags }],
      putPolicy,
      ['ListAccessKeysCommand', { UserName }],
      ['CreateAccessKeyCommand', { UserName }],
    ]);
    expect(sentCommands(secrets)).toEqual(['DescribeSecretCommand', 'CreateSecretCommand', 'GetResourcePolicyCommand', 'PutResourcePolicyCommand']);
    expect(sentRequests(secrets).slice(2)).toEqual(policyWrites);
    const created = secrets.commandCalls(CreateSecretCommand)[0]!.args[0].input;
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
    iam.on(ListAccessKeysCommand).resolves(keys('AKIAOLDKEY0000000001'));
    secrets.on(DescribeSecretCommand).resolves(secret('AKIAOLDKEY0000000001', 'v1'));
    secrets.on(GetResourcePolicyCommand).resolves({ ARN: SECRET_ARN, ResourcePolicy: POLICY });

    const out = await siemUserComponent.ensure(testConfig({ AccessKeyRotation: 'v1' }), ctx);

    expect(out).toEqual({ SecretArn: SECRET_ARN, ReaderUserArn: USER_ARN });
    expect(sentRequests(iam)).toEqual([['GetUserCommand', { UserName }], putPolicy, ['ListAccessKeysCommand', { UserName }]]);
    expect(sentRequests(secrets)).toEqual([
      ['DescribeSecretCommand', { SecretId: SecretName }],
      ['GetResourcePolicyCommand', { SecretId: SECRET_ARN }],
    ]);
  });

  it.each([
    ['a new AccessKeyRotation value', ['AKIAOLDKEY0000000001'], 'v1', 'v2', [], true],
    ['a secret made before rotation tags existed', ['AKIAOLDKEY0000000001'], undefined, '1', [], true],
    ['a leftover key of an interrupted run', ['AKIAOLDKEY0000000001', 'AKIALEFTOVER00000009'], 'v1', 'v2', ['AKIALEFTOVER00000009'], true],
    [
      'a secret whose key was deleted by hand',
      ['AKIALEFTOVER00000008', 'AKIALEFTOVER00000009'],
      'v1',
      'v1',
      ['AKIALEFTOVER00000008', 'AKIALEFTOVER00000009'],
      false,
    ],
  ])(
    'rotates on %s: leftovers go first, the new key is written, then the recorded key goes',
    async (_case, userKeys, recordedRotation, rotation, leftovers, recordedIsLive) => {
      iam.on(GetUserCommand).resolves(user());
      iam.on(PutUserPolicyCommand).resolves({});
      iam.on(ListAccessKeysCommand).resolves(keys(...userKeys));
      iam.on(DeleteAccessKeyCommand).resolves({});
      iam.on(CreateAccessKeyCommand).resolves({ AccessKey: NEW_KEY });
      secrets.on(DescribeSecretCommand).resolves(secret('AKIAOLDKEY0000000001', recordedRotation));
      secrets.on(PutSecretValueCommand).resolves({ ARN: SECRET_ARN });
      secrets.on(TagResourceCommand).resolves({});

      await siemUserComponent.ensure(testConfig({ AccessKeyRotation: rotation }), ctx);

      expect(sentRequests(iam).slice(3)).toEqual([
        ...leftovers.map((AccessKeyId) => ['DeleteAccessKeyCommand', { UserName, AccessKeyId }]),
        ['CreateAccessKeyCommand', { UserName }],
        ...(recordedIsLive ? [['DeleteAccessKeyCommand', { UserName, AccessKeyId: 'AKIAOLDKEY0000000001' }]] : []),
      ]);
      expect(sentCommands(secrets)).toEqual([
        'DescribeSecretCommand',
        'PutSecretValueCommand',
        'TagResourceCommand',
        'GetResourcePolicyCommand',
        'PutResourcePolicyCommand',
      ]);
      const put = secrets.commandCalls(PutSecretValueCommand)[0]!.args[0].input;
      expect({ ...put, SecretString: JSON.parse(put.SecretString!) }).toEqual({ SecretId: SECRET_ARN, SecretString: secretValue() });
      expect(secrets).toHaveReceivedCommandWith(TagResourceCommand, {
        SecretId: SECRET_ARN,
        Tags: [
          { Key: SECRET_TAG_KEY_HASH, Value: keyHash(NEW_KEY.AccessKeyId) },
          { Key: SECRET_TAG_ROTATION, Value: rotation },
        ],
      });
      // Leftovers go before the new key is made; the recorded key only once the secret holds the new one.
      expect(timeline(iam, secrets).slice(4)).toEqual([
        ...leftovers.map(() => 'DeleteAccessKeyCommand'),
        'CreateAccessKeyCommand',
        'PutSecretValueCommand',
        'TagResourceCommand',
        ...(recordedIsLive ? ['DeleteAccessKeyCommand'] : []),
        'GetResourcePolicyCommand',
        'PutResourcePolicyCommand',
      ]);
    },
  );

  it('replaces the key id tag of an older secret by its hash, keeping the key', async () => {
    iam.on(GetUserCommand).resolves(user());
    iam.on(PutUserPolicyCommand).resolves({});
    iam.on(ListAccessKeysCommand).resolves(keys('AKIAOLDKEY0000000001'));
    const legacy = [...ourTags, { Key: LEGACY_SECRET_TAG_KEY_ID, Value: 'AKIAOLDKEY0000000001' }, { Key: SECRET_TAG_ROTATION, Value: 'v1' }];
    secrets.on(DescribeSecretCommand).resolves(secret(undefined, undefined, { Tags: legacy }));
    secrets.on(TagResourceCommand).resolves({});
    secrets.on(UntagResourceCommand).resolves({});

    await siemUserComponent.ensure(testConfig({ AccessKeyRotation: 'v1' }), ctx);

    expect(iam).not.toHaveReceivedCommand(CreateAccessKeyCommand);
    expect(sentRequests(secrets).slice(1, 3)).toEqual([
      ['TagResourceCommand', { SecretId: SECRET_ARN, Tags: [{ Key: SECRET_TAG_KEY_HASH, Value: keyHash('AKIAOLDKEY0000000001') }] }],
      ['UntagResourceCommand', { SecretId: SECRET_ARN, TagKeys: [LEGACY_SECRET_TAG_KEY_ID] }],
    ]);
  });

  it.each([
    ['a KMS key is set', undefined, 'arn:aws:kms:eu-west-1:123456789012:key/k-2', 'arn:aws:kms:eu-west-1:123456789012:key/k-2'],
    [
      'the KMS key changes',
      'arn:aws:kms:eu-west-1:123456789012:key/k-1',
      'arn:aws:kms:eu-west-1:123456789012:key/k-2',
      'arn:aws:kms:eu-west-1:123456789012:key/k-2',
    ],
    ['the KMS key is removed', 'arn:aws:kms:eu-west-1:123456789012:key/k-1', '', 'alias/aws/secretsmanager'],
  ])('re-keys the secret and rotates the access key when %s', async (_case, current, wanted, sent) => {
    iam.on(GetUserCommand).resolves(user());
    iam.on(PutUserPolicyCommand).resolves({});
    iam.on(ListAccessKeysCommand).resolves(keys('AKIAOLDKEY0000000001'));
    iam.on(CreateAccessKeyCommand).resolves({ AccessKey: NEW_KEY });
    iam.on(DeleteAccessKeyCommand).resolves({});
    secrets.on(DescribeSecretCommand).resolves(secret('AKIAOLDKEY0000000001', 'v1', current ? { KmsKeyId: current } : {}));
    secrets.on(UpdateSecretCommand).resolves({ ARN: SECRET_ARN });
    secrets.on(PutSecretValueCommand).resolves({ ARN: SECRET_ARN });
    secrets.on(TagResourceCommand).resolves({});

    await siemUserComponent.ensure(testConfig({ AccessKeyRotation: 'v1', SecretKmsKeyArn: wanted }), ctx);

    expect(sentRequests(secrets).slice(1, 3)).toEqual([
      ['UpdateSecretCommand', { SecretId: SECRET_ARN, KmsKeyId: sent }],
      ['PutSecretValueCommand', { SecretId: SECRET_ARN, SecretString: expect.any(String) }],
    ]);
    expect(iam).toHaveReceivedCommandWith(DeleteAccessKeyCommand, { UserName, AccessKeyId: 'AKIAOLDKEY0000000001' });
  });

  it('leaves the key alone when DescribeSecret names the wanted KMS key by its id', async () => {
    iam.on(GetUserCommand).resolves(user());
    iam.on(PutUserPolicyCommand).resolves({});
    iam.on(ListAccessKeysCommand).resolves(keys('AKIAOLDKEY0000000001'));
    secrets.on(DescribeSecretCommand).resolves(secret('AKIAOLDKEY0000000001', 'v1', { KmsKeyId: 'k-2' }));

    await siemUserComponent.ensure(testConfig({ AccessKeyRotation: 'v1', SecretKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/k-2' }), ctx);

    expect(iam).not.toHaveReceivedCommand(CreateAccessKeyCommand);
    expect(secrets).not.toHaveReceivedCommand(UpdateSecretCommand);
  });

  it('puts a resource policy naming the provisioner and the SecretReaderArns', async () => {
    iam.on(GetUserCommand).resolves(user());
    iam.on(PutUserPolicyCommand).resolves({});
    iam.on(ListAccessKeysCommand).resolves(keys('AKIAOLDKEY0000000001'));
    secrets.on(DescribeSecretCommand).resolves(secret('AKIAOLDKEY0000000001', 'v1'));
    secrets.on(GetResourcePolicyCommand).resolves({ ARN: SECRET_ARN, ResourcePolicy: POLICY });
    const reader = 'arn:aws:iam::123456789012:role/siem-connector';

    await siemUserComponent.ensure(testConfig({ AccessKeyRotation: 'v1', SecretReaderArns: reader }), ctx);

    const wanted = JSON.stringify(readerSecretPolicy({ provisionerRoleArn: TEST_PROVISIONER_ROLE_ARN, readers: [reader] }));
    expect(sentRequests(secrets).slice(1)).toEqual([
      ['GetResourcePolicyCommand', { SecretId: SECRET_ARN }],
      ['PutResourcePolicyCommand', { SecretId: SECRET_ARN, ResourcePolicy: wanted, BlockPublicPolicy: true }],
    ]);
    expect(iam).not.toHaveReceivedCommand(CreateAccessKeyCommand);
  });

  it("re-creates a reader user of ours made with another boundary (an older version's), and the secret gets its new key", async () => {
    const t = createTestContext();
    const old = user({
      PermissionsBoundary: { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: 'arn:aws:iam::123456789012:policy/old-boundary' },
    });
    iam.on(GetUserCommand).resolvesOnce(old).resolvesOnce(old);
    iam.on(ListAccessKeysCommand).resolvesOnce(keys('AKIAOLDKEY0000000001')).resolves(keys());
    iam.on(DeleteAccessKeyCommand).resolves({});
    iam.on(DeleteUserPolicyCommand).resolves({});
    iam.on(DeleteUserCommand).resolves({});
    iam.on(CreateUserCommand).resolves(user());
    iam.on(PutUserPolicyCommand).resolves({});
    iam.on(CreateAccessKeyCommand).resolves({ AccessKey: NEW_KEY });
    secrets.on(DescribeSecretCommand).resolves(secret('AKIAOLDKEY0000000001', 'v1'));
    secrets.on(PutSecretValueCommand).resolves({ ARN: SECRET_ARN });
    secrets.on(TagResourceCommand).resolves({});

    await siemUserComponent.ensure(testConfig({ AccessKeyRotation: 'v1' }), t.ctx);

    expect(sentCommands(iam).slice(0, 7)).toEqual([
      'GetUserCommand',
      'GetUserCommand',
      'ListAccessKeysCommand',
      'DeleteAccessKeyCommand',
      'DeleteUserPolicyCommand',
      'DeleteUserCommand',
      'CreateUserCommand',
    ]);
    expect(iam).toHaveReceivedCommandWith(CreateUserCommand, { PermissionsBoundary: TEST_READER_BOUNDARY_ARN });
    expect(iam).toHaveReceivedCommand(CreateAccessKeyCommand);
    expect(secrets).toHaveReceivedCommandWith(TagResourceCommand, {
      Tags: expect.arrayContaining([{ Key: SECRET_TAG_KEY_HASH, Value: keyHash(NEW_KEY.AccessKeyId) }]),
    });
  });

  it('restores a secret scheduled for deletion before it uses it', async () => {
    iam.on(GetUserCommand).resolves(user());
    iam.on(PutUserPolicyCommand).resolves({});
    iam.on(ListAccessKeysCommand).resolves(keys('AKIAOLDKEY0000000001'));
    secrets.on(DescribeSecretCommand).resolves(secret('AKIAOLDKEY0000000001', '1', { DeletedDate: new Date(0) }));
    secrets.on(RestoreSecretCommand).resolves({ ARN: SECRET_ARN });

    await expect(siemUserComponent.ensure(testConfig(), ctx)).resolves.toEqual({ SecretArn: SECRET_ARN, ReaderUserArn: USER_ARN });
    expect(sentRequests(secrets)).toEqual([
      ['DescribeSecretCommand', { SecretId: SecretName }],
      ['RestoreSecretCommand', { SecretId: SECRET_ARN }],
      ...policyWrites,
    ]);
    expect(iam).not.toHaveReceivedCommand(CreateAccessKeyCommand);
  });

  it('takes over the user when a duplicate delivery created it first (EntityAlreadyExists)', async () => {
    iam.on(GetUserCommand).rejectsOnce(noUser()).resolves(user());
    iam.on(CreateUserCommand).rejects(awsError(EntityAlreadyExistsException, `User with name ${UserName} already exists.`, 'EntityAlreadyExists'));
    iam.on(PutUserPolicyCommand).resolves({});
    iam.on(ListAccessKeysCommand).resolves(keys('AKIAOLDKEY0000000001'));
    secrets.on(DescribeSecretCommand).resolves(secret('AKIAOLDKEY0000000001', '1'));

    await expect(siemUserComponent.ensure(testConfig(), ctx)).resolves.toEqual({ SecretArn: SECRET_ARN, ReaderUserArn: USER_ARN });
    expect(sentCommands(iam)).toEqual(['GetUserCommand', 'CreateUserCommand', 'GetUserCommand', 'PutUserPolicyCommand', 'ListAccessKeysCommand']);
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
      'GetResourcePolicyCommand',
      'PutResourcePolicyCommand',
    ]);
  });

  it('retries calls on a user IAM has only just created until it is visible', async () => {
    iam.on(GetUserCommand).rejects(noUser());
    iam.on(CreateUserCommand).resolves(user());
    iam.on(PutUserPolicyCommand).rejectsOnce(noUser()).resolves({});
    iam.on(ListAccessKeysCommand).resolves(keys());
    iam.on(CreateAccessKeyCommand).resolves({ AccessKey: NEW_KEY });
    secrets.on(DescribeSecretCommand).rejects(noSecret());
    secrets.on(CreateSecretCommand).resolves({ ARN: SECRET_ARN });

    await siemUserComponent.ensure(testConfig(), ctx);

    expect(iam).toHaveReceivedCommandTimes(PutUserPolicyCommand, 2);
  });

  it.each([
    [
      'the user belongs to another stack',
      user({ Tags: [{ Key: TAG_STACK, Value: OTHER_STACK_ID }] }),
      secret('AKIAOLDKEY0000000001', '1'),
      `IAM user ${UserName}`,
    ],
    ['the user was made by hand', user({ Tags: undefined }), secret('AKIAOLDKEY0000000001', '1'), `IAM user ${UserName}`],
    [
      'the secret belongs to another stack',
      user(),
      { ...secret('AKIAOLDKEY0000000001', '1'), Tags: [{ Key: TAG_STACK, Value: OTHER_STACK_ID }] },
      `secret ${SecretName}`,
    ],
  ])('refuses when %s, creating no key and writing no secret', async (_case, found, foundSecret, what) => {
    iam.on(GetUserCommand).resolves(found);
    iam.on(PutUserPolicyCommand).resolves({});
    iam.on(ListAccessKeysCommand).resolves(keys('AKIAOLDKEY0000000001'));
    secrets.on(DescribeSecretCommand).resolves(foundSecret);

    const ensuring = siemUserComponent.ensure(testConfig({ AccessKeyRotation: 'v2' }), ctx);

    await expect(ensuring).rejects.toThrow(OwnershipConflictError);
    await expect(ensuring).rejects.toThrow(`${what} exists but is not managed by this stack`);
    expect(sentCommands(iam)).toEqual(['GetUserCommand']);
    expect(sentCommands(secrets)).toEqual(['DescribeSecretCommand']);
  });
});

describe('siem-user remove', () => {
  it('deletes every key, the policy, the user and the secret (without recovery)', async () => {
    iam.on(GetUserCommand).resolves(user());
    iam.on(ListAccessKeysCommand).resolves(keys('AKIAOLDKEY0000000001', 'AKIALEFTOVER00000009'));
    iam.on(DeleteAccessKeyCommand).resolves({});
    iam.on(DeleteUserPolicyCommand).resolves({});
    iam.on(DeleteUserCommand).resolves({});
    secrets.on(DescribeSecretCommand).resolves(secret('AKIAOLDKEY0000000001', '1'));
    secrets.on(DeleteSecretCommand).resolves({});

    await siemUserComponent.remove(testConfig(), ctx);

    expect(sentRequests(iam)).toEqual([
      ['GetUserCommand', { UserName }],
      ['ListAccessKeysCommand', { UserName }],
      ['DeleteAccessKeyCommand', { UserName, AccessKeyId: 'AKIAOLDKEY0000000001' }],
      ['DeleteAccessKeyCommand', { UserName, AccessKeyId: 'AKIALEFTOVER00000009' }],
      ['DeleteUserPolicyCommand', { UserName, PolicyName: 'siem-pipeline' }],
      ['DeleteUserCommand', { UserName }],
    ]);
    expect(sentRequests(secrets)).toEqual([
      ['DescribeSecretCommand', { SecretId: SecretName }],
      ['DeleteSecretCommand', { SecretId: SECRET_ARN, ForceDeleteWithoutRecovery: true }],
    ]);
  });

  it('is done when neither user nor secret exists', async () => {
    iam.on(GetUserCommand).rejects(noUser());
    secrets.on(DescribeSecretCommand).rejects(noSecret());

    await expect(siemUserComponent.remove(testConfig(), ctx)).resolves.toBeUndefined();
    expect(sentCommands(iam)).toEqual(['GetUserCommand']);
    expect(sentCommands(secrets)).toEqual(['DescribeSecretCommand']);
  });

  it('treats not-found at every delete step as done (something else removed them meanwhile)', async () => {
    iam.on(GetUserCommand).resolves(user());
    iam.on(ListAccessKeysCommand).resolves(keys('AKIAOLDKEY0000000001'));
    iam.on(DeleteAccessKeyCommand).rejects(awsError(NoSuchEntityException, 'The Access Key with id AKIAOLDKEY0000000001 cannot be found.', 'NoSuchEntity'));
    iam.on(DeleteUserPolicyCommand).rejects(awsError(NoSuchEntityException, 'The user policy with name siem-pipeline cannot be found.', 'NoSuchEntity'));
    iam.on(DeleteUserCommand).rejects(noUser());
    secrets.on(DescribeSecretCommand).resolves(secret('AKIAOLDKEY0000000001', '1'));
    secrets.on(DeleteSecretCommand).rejects(noSecret());

    await expect(siemUserComponent.remove(testConfig(), ctx)).resolves.toBeUndefined();
    expect(sentCommands(iam)).toEqual(['GetUserCommand', 'ListAccessKeysCommand', 'DeleteAccessKeyCommand', 'DeleteUserPolicyCommand', 'DeleteUserCommand']);
    expect(sentCommands(secrets)).toEqual(['DescribeSecretCommand', 'DeleteSecretCommand']);
  });

  it('treats a user gone between GetUser and ListAccessKeys as done', async () => {
    iam.on(GetUserCommand).resolves(user());
    iam.on(ListAccessKeysCommand).rejects(noUser());
    iam.on(DeleteUserPolicyCommand).rejects(noUser());
    iam.on(DeleteUserCommand).rejects(noUser());
    secrets.on(DescribeSecretCommand).rejects(noSecret());

    await expect(siemUserComponent.remove(testConfig(), ctx)).resolves.toBeUndefined();
    expect(iam).not.toHaveReceivedCommand(DeleteAccessKeyCommand);
  });

  it("leaves a user and a secret that are not this stack's in place", async () => {
    const t = createTestContext();
    iam.on(GetUserCommand).resolves(user({ Tags: [{ Key: TAG_STACK, Value: OTHER_STACK_ID }] }));
    secrets.on(DescribeSecretCommand).resolves({ ...secret(undefined, undefined), Tags: [] });

    await siemUserComponent.remove(testConfig(), t.ctx);

    expect(sentCommands(iam)).toEqual(['GetUserCommand']);
    expect(sentCommands(secrets)).toEqual(['DescribeSecretCommand']);
    expect(
      t
        .logs()
        .filter((l) => l.message === 'left in place: not ours')
        .map((l) => l.resource),
    ).toEqual(expect.arrayContaining([`IAM user ${UserName}`, `secret ${SecretName}`]));
  });

  it('still deletes the secret when deleting the user fails, then reports the failure', async () => {
    iam.on(GetUserCommand).resolves(user());
    iam.on(ListAccessKeysCommand).resolves(keys());
    iam.on(DeleteUserPolicyCommand).resolves({});
    iam.on(DeleteUserCommand).rejects(awsError(DeleteConflictException, 'Cannot delete entity, must remove login profile first.', 'DeleteConflict'));
    secrets.on(DescribeSecretCommand).resolves(secret(undefined, undefined));
    secrets.on(DeleteSecretCommand).resolves({});

    await expect(siemUserComponent.remove(testConfig(), ctx)).rejects.toThrow('must remove login profile first');
    expect(secrets).toHaveReceivedCommandWith(DeleteSecretCommand, { SecretId: SECRET_ARN, ForceDeleteWithoutRecovery: true });
  });
});

describe('siem-user inspect', () => {
  const policy = policyJson(streamReaderPolicy(ctx.names.streamArn));

  it.each([
    [
      'absent without a user',
      () => {
        iam.on(GetUserCommand).rejects(noUser());
        secrets.on(DescribeSecretCommand).rejects(noSecret());
      },
      'v1',
      { state: 'absent' },
    ],
    [
      'present when user, policy, secret and key agree',
      () => {
        iam.on(GetUserCommand).resolves(user());
        iam.on(GetUserPolicyCommand).resolves({ UserName, PolicyName: 'siem-pipeline', PolicyDocument: encodeURIComponent(policy) });
        iam.on(ListAccessKeysCommand).resolves(keys('AKIAOLDKEY0000000001'));
        secrets.on(DescribeSecretCommand).resolves(secret('AKIAOLDKEY0000000001', 'v1'));
        secrets.on(GetResourcePolicyCommand).resolves({ ARN: SECRET_ARN, ResourcePolicy: POLICY });
      },
      'v1',
      { state: 'present', details: { userArn: USER_ARN, secretArn: SECRET_ARN } },
    ],
    [
      'drifted with a pending rotation and a missing policy',
      () => {
        iam.on(GetUserCommand).resolves(user());
        iam.on(GetUserPolicyCommand).rejects(noUser());
        iam.on(ListAccessKeysCommand).resolves(keys('AKIAOLDKEY0000000001'));
        secrets.on(DescribeSecretCommand).resolves(secret('AKIAOLDKEY0000000001', 'v1'));
      },
      'v2',
      {
        state: 'drifted',
        details: {
          userArn: USER_ARN,
          secretArn: SECRET_ARN,
          differences: ['reader policy missing or changed', 'access key rotation pending', 'resource policy missing'],
        },
      },
    ],
    [
      'drifted when the secret publishes its key id and names readers it should not (tampered policy)',
      () => {
        iam.on(GetUserCommand).resolves(user());
        iam.on(GetUserPolicyCommand).resolves({ UserName, PolicyName: 'siem-pipeline', PolicyDocument: encodeURIComponent(policy) });
        iam.on(ListAccessKeysCommand).resolves(keys('AKIAOLDKEY0000000001'));
        secrets.on(DescribeSecretCommand).resolves(
          secret(undefined, 'v1', {
            Tags: [...ourTags, { Key: LEGACY_SECRET_TAG_KEY_ID, Value: 'AKIAOLDKEY0000000001' }, { Key: SECRET_TAG_ROTATION, Value: 'v1' }],
          }),
        );
        const widened = readerSecretPolicy({ provisionerRoleArn: TEST_PROVISIONER_ROLE_ARN, readers: ['arn:aws:iam::999999999999:role/x'] });
        secrets.on(GetResourcePolicyCommand).resolves({ ARN: SECRET_ARN, ResourcePolicy: JSON.stringify(widened) });
      },
      'v1',
      {
        state: 'drifted',
        details: { userArn: USER_ARN, secretArn: SECRET_ARN, differences: ['resource policy changed', 'secret publishes the access key id in a tag'] },
      },
    ],
    [
      'drifted when only the secret is left (a half-finished Create)',
      () => {
        iam.on(GetUserCommand).rejects(noUser());
        secrets.on(DescribeSecretCommand).resolves(secret('AKIAOLDKEY0000000001', 'v1'));
        secrets.on(GetResourcePolicyCommand).resolves({ ARN: SECRET_ARN, ResourcePolicy: POLICY });
      },
      'v1',
      { state: 'drifted', details: { secretArn: SECRET_ARN, differences: ['user missing', 'secret names no live access key of the user'] } },
    ],
    [
      'absent, naming the conflicts, when user and secret belong to someone else',
      () => {
        iam.on(GetUserCommand).resolves(user({ Tags: [] }));
        secrets.on(DescribeSecretCommand).resolves({ ...secret(undefined, undefined), Tags: [{ Key: TAG_STACK, Value: OTHER_STACK_ID }] });
      },
      'v1',
      {
        state: 'absent',
        details: {
          conflicts: [
            expect.stringContaining(`IAM user ${UserName} exists but is not managed by this stack`),
            expect.stringContaining(`secret ${SecretName} exists but is not managed by this stack`),
          ],
        },
      },
    ],
  ])('%s', async (_case, arrange, rotation, expected) => {
    arrange();
    await expect(siemUserComponent.inspect(testConfig({ AccessKeyRotation: rotation }), ctx)).resolves.toEqual(expected);
    expect([...sentCommands(iam), ...sentCommands(secrets)].every((c) => /^(Get|List|Describe)/.test(c))).toBe(true);
  });

  it('reports a user of ours as not wanted when the config asks for a role', async () => {
    iam.on(GetUserCommand).resolves(user());
    iam.on(GetUserPolicyCommand).resolves({ UserName, PolicyName: 'siem-pipeline', PolicyDocument: encodeURIComponent(policy) });
    iam.on(ListAccessKeysCommand).resolves(keys('AKIAOLDKEY0000000001'));
    secrets.on(DescribeSecretCommand).resolves(secret('AKIAOLDKEY0000000001', '1'));

    const status = await siemUserComponent.inspect(
      testConfig({ SiemAccess: 'CrossAccountRole', SiemAccountId: '210987654321', SiemExternalId: 'ext-id-1' }),
      ctx,
    );

    expect(status).toEqual({
      state: 'drifted',
      details: { userArn: USER_ARN, secretArn: SECRET_ARN, differences: ['not wanted: SiemAccess is CrossAccountRole'] },
    });
  });
});
