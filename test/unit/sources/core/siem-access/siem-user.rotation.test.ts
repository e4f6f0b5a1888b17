import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { keyHash, LEGACY_SECRET_TAG_KEY_ID, SECRET_TAG_KEY_HASH, SECRET_TAG_ROTATION } from '../../../../../src/sources/core/siem-access/reader-secret';
import { siemUserComponent } from '../../../../../src/sources/core/siem-access/siem-user';
import { readerSecretPolicy } from '../../../../../src/sources/core/siem-access/secret-policy';
import { sentCommands, sentRequests, timeline } from '../../../helpers/aws-mock';
import { createTestContext, TEST_PROVISIONER_ROLE_ARN, TEST_READER_BOUNDARY_ARN, testConfig } from '../../../helpers/context';
import {
  ctx,
  getSecretPolicy,
  iam,
  keys,
  NEW_KEY,
  OLD_KEY,
  ourTags,
  POLICY,
  putSecretPolicy,
  SECRET_ARN,
  secret,
  secrets,
  secretValue,
  useSiemUserMocks,
  user,
  USER_ARN,
  UserName,
} from './siem-user.helpers';

useSiemUserMocks();

/** A user of ours with `userKeys`, whose policy put and key calls succeed. */
function arrangeUser(...userKeys: string[]): void {
  iam.on(GetUserCommand).resolves(user());
  iam.on(PutUserPolicyCommand).resolves({});
  iam.on(ListAccessKeysCommand).resolves(keys(...userKeys));
  iam.on(CreateAccessKeyCommand).resolves({ AccessKey: NEW_KEY });
  iam.on(DeleteAccessKeyCommand).resolves({});
}

describe('siem-user ensure: rotation, re-keying and the secret policy', () => {
  it.each([
    ['a new AccessKeyRotation value', [OLD_KEY], 'v1', 'v2', [], true],
    ['a secret made before rotation tags existed', [OLD_KEY], undefined, '1', [], true],
    ['a leftover key of an interrupted run', [OLD_KEY, 'AKIALEFTOVER00000009'], 'v1', 'v2', ['AKIALEFTOVER00000009'], true],
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
      arrangeUser(...userKeys);
      secrets.on(DescribeSecretCommand).resolves(secret(OLD_KEY, recordedRotation));
      secrets.on(PutSecretValueCommand).resolves({ ARN: SECRET_ARN });
      secrets.on(TagResourceCommand).resolves({});

      await siemUserComponent.ensure(testConfig({ AccessKeyRotation: rotation }), ctx);

      expect(sentRequests(iam).slice(3)).toEqual([
        ...leftovers.map((AccessKeyId) => ['DeleteAccessKeyCommand', { UserName, AccessKeyId }]),
        ['CreateAccessKeyCommand', { UserName }],
        ...(recordedIsLive ? [['DeleteAccessKeyCommand', { UserName, AccessKeyId: OLD_KEY }]] : []),
      ]);
      expect(sentCommands(secrets)).toEqual([
        'DescribeSecretCommand',
        'GetResourcePolicyCommand',
        'PutSecretValueCommand',
        'TagResourceCommand',
        'PutResourcePolicyCommand',
      ]);
      const put = secrets.commandCalls(PutSecretValueCommand)[0].args[0].input;
      expect({ ...put, SecretString: JSON.parse(put.SecretString!) }).toEqual({ SecretId: SECRET_ARN, SecretString: secretValue() });
      expect(secrets).toHaveReceivedCommandWith(TagResourceCommand, {
        SecretId: SECRET_ARN,
        Tags: [
          { Key: SECRET_TAG_KEY_HASH, Value: keyHash(NEW_KEY.AccessKeyId) },
          { Key: SECRET_TAG_ROTATION, Value: rotation },
        ],
      });
      // Leftovers go before the new key is made; the recorded key only once the secret holds the new one.
      expect(timeline(iam, secrets).filter((c) => !/^(Get|List|Describe|PutUserPolicy)/.test(c))).toEqual([
        ...leftovers.map(() => 'DeleteAccessKeyCommand'),
        'CreateAccessKeyCommand',
        'PutSecretValueCommand',
        'TagResourceCommand',
        ...(recordedIsLive ? ['DeleteAccessKeyCommand'] : []),
        'PutResourcePolicyCommand',
      ]);
    },
  );

  it('replaces the key id tag of an older secret by its hash, keeping the key', async () => {
    arrangeUser(OLD_KEY);
    const legacy = [...ourTags, { Key: LEGACY_SECRET_TAG_KEY_ID, Value: OLD_KEY }, { Key: SECRET_TAG_ROTATION, Value: 'v1' }];
    secrets.on(DescribeSecretCommand).resolves(secret(undefined, undefined, { Tags: legacy }));
    secrets.on(TagResourceCommand).resolves({});
    secrets.on(UntagResourceCommand).resolves({});

    await siemUserComponent.ensure(testConfig({ AccessKeyRotation: 'v1' }), ctx);

    expect(iam).not.toHaveReceivedCommand(CreateAccessKeyCommand);
    expect(sentRequests(secrets).slice(2, 4)).toEqual([
      ['TagResourceCommand', { SecretId: SECRET_ARN, Tags: [{ Key: SECRET_TAG_KEY_HASH, Value: keyHash(OLD_KEY) }] }],
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
    arrangeUser(OLD_KEY);
    secrets.on(DescribeSecretCommand).resolves(secret(OLD_KEY, 'v1', current ? { KmsKeyId: current } : {}));
    secrets.on(UpdateSecretCommand).resolves({ ARN: SECRET_ARN });
    secrets.on(PutSecretValueCommand).resolves({ ARN: SECRET_ARN });
    secrets.on(TagResourceCommand).resolves({});

    await siemUserComponent.ensure(testConfig({ AccessKeyRotation: 'v1', SecretKmsKeyArn: wanted }), ctx);

    expect(sentRequests(secrets).slice(2, 4)).toEqual([
      ['UpdateSecretCommand', { SecretId: SECRET_ARN, KmsKeyId: sent }],
      ['PutSecretValueCommand', { SecretId: SECRET_ARN, SecretString: expect.any(String) }],
    ]);
    expect(iam).toHaveReceivedCommandWith(DeleteAccessKeyCommand, { UserName, AccessKeyId: OLD_KEY });
  });

  it('leaves the key alone when DescribeSecret names the wanted KMS key by its id', async () => {
    arrangeUser(OLD_KEY);
    secrets.on(DescribeSecretCommand).resolves(secret(OLD_KEY, 'v1', { KmsKeyId: 'k-2' }));

    await siemUserComponent.ensure(testConfig({ AccessKeyRotation: 'v1', SecretKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/k-2' }), ctx);

    expect(iam).not.toHaveReceivedCommand(CreateAccessKeyCommand);
    expect(secrets).not.toHaveReceivedCommand(UpdateSecretCommand);
  });

  it('puts a resource policy naming the provisioner and the SecretReaderArns', async () => {
    arrangeUser(OLD_KEY);
    secrets.on(DescribeSecretCommand).resolves(secret(OLD_KEY, 'v1'));
    secrets.on(GetResourcePolicyCommand).resolves({ ARN: SECRET_ARN, ResourcePolicy: POLICY });
    const reader = 'arn:aws:iam::123456789012:role/siem-connector';

    await siemUserComponent.ensure(testConfig({ AccessKeyRotation: 'v1', SecretReaderArns: reader }), ctx);

    const wanted = JSON.stringify(readerSecretPolicy({ provisionerRoleArn: TEST_PROVISIONER_ROLE_ARN, readers: [reader] }));
    expect(sentRequests(secrets).slice(1)).toEqual([
      getSecretPolicy,
      ['PutResourcePolicyCommand', { SecretId: SECRET_ARN, ResourcePolicy: wanted, BlockPublicPolicy: true }],
    ]);
    expect(iam).not.toHaveReceivedCommand(CreateAccessKeyCommand);
  });

  it("re-creates a reader user of ours made with another boundary (an older version's), and the secret gets its new key", async () => {
    const t = createTestContext();
    const PermissionsBoundary = {
      PermissionsBoundaryType: 'PermissionsBoundaryPolicy' as const,
      PermissionsBoundaryArn: 'arn:aws:iam::123456789012:policy/old-boundary',
    };
    arrangeUser(OLD_KEY);
    iam.on(GetUserCommand).resolves(user({ PermissionsBoundary }));
    iam.on(DeleteUserPolicyCommand).resolves({});
    iam.on(DeleteUserCommand).resolves({});
    iam.on(CreateUserCommand).resolves(user());
    secrets.on(DescribeSecretCommand).resolves(secret(OLD_KEY, 'v1'));
    secrets.on(PutSecretValueCommand).resolves({ ARN: SECRET_ARN });
    secrets.on(TagResourceCommand).resolves({});

    await expect(siemUserComponent.ensure(testConfig({ AccessKeyRotation: 'v1' }), t.ctx)).resolves.toEqual({ SecretArn: SECRET_ARN, ReaderUserArn: USER_ARN });

    // The keys read before are deleted with the old user; the new user's first key goes into the secret.
    expect(sentCommands(iam)).toEqual([
      'GetUserCommand',
      'ListAccessKeysCommand',
      'DeleteAccessKeyCommand',
      'DeleteUserPolicyCommand',
      'DeleteUserCommand',
      'CreateUserCommand',
      'PutUserPolicyCommand',
      'CreateAccessKeyCommand',
    ]);
    expect(iam).toHaveReceivedCommandWith(CreateUserCommand, { PermissionsBoundary: TEST_READER_BOUNDARY_ARN });
    expect(secrets).toHaveReceivedCommandWith(TagResourceCommand, {
      Tags: expect.arrayContaining([{ Key: SECRET_TAG_KEY_HASH, Value: keyHash(NEW_KEY.AccessKeyId) }]),
    });
    expect(
      t
        .logs()
        .filter((l) => l.level === 'warn')
        .map((l) => l.message),
    ).toEqual([expect.stringContaining('re-creating')]);
  });

  it('restores a secret scheduled for deletion before it uses it, and puts its policy', async () => {
    arrangeUser(OLD_KEY);
    secrets.on(DescribeSecretCommand).resolves(secret(OLD_KEY, '1', { DeletedDate: new Date(0) }));
    secrets.on(RestoreSecretCommand).resolves({ ARN: SECRET_ARN });

    await expect(siemUserComponent.ensure(testConfig(), ctx)).resolves.toEqual({ SecretArn: SECRET_ARN, ReaderUserArn: USER_ARN });
    // A secret pending deletion is not asked for its policy: it is put once the secret is back.
    expect(sentRequests(secrets)).toEqual([
      ['DescribeSecretCommand', { SecretId: secret(undefined, undefined).Name }],
      ['RestoreSecretCommand', { SecretId: SECRET_ARN }],
      putSecretPolicy,
    ]);
    expect(iam).not.toHaveReceivedCommand(CreateAccessKeyCommand);
  });
});
