import { GetUserCommand, GetUserPolicyCommand, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { DescribeSecretCommand, GetResourcePolicyCommand } from '@aws-sdk/client-secrets-manager';
import { TAG_STACK } from '../../../../../src/config/names';
import { LEGACY_SECRET_TAG_KEY_ID, SECRET_TAG_ROTATION } from '../../../../../src/sources/core/siem-access/reader-secret';
import { siemUserComponent } from '../../../../../src/sources/core/siem-access/siem-user';
import { readerSecretPolicy } from '../../../../../src/sources/core/siem-access/secret-policy';
import { sentCommands } from '../../../helpers/aws-mock';
import { OTHER_STACK_ID, TEST_PROVISIONER_ROLE_ARN, testConfig } from '../../../helpers/context';
import {
  ctx,
  iam,
  keys,
  noSecret,
  noUser,
  ourTags,
  POLICY,
  READER_POLICY,
  SECRET_ARN,
  secret,
  secrets,
  useSiemUserMocks,
  user,
  USER_ARN,
  UserName,
} from './siem-user.helpers';

useSiemUserMocks();

describe('siem-user inspect', () => {
  const policy = READER_POLICY;

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
        details: { userArn: USER_ARN, secretArn: SECRET_ARN, differences: ['secret publishes the access key id in a tag', 'resource policy changed'] },
      },
    ],
    [
      'absent when only the secret is left (a half-finished Create): the user is to be created',
      () => {
        iam.on(GetUserCommand).rejects(noUser());
        secrets.on(DescribeSecretCommand).resolves(secret('AKIAOLDKEY0000000001', 'v1'));
        secrets.on(GetResourcePolicyCommand).resolves({ ARN: SECRET_ARN, ResourcePolicy: POLICY });
      },
      'v1',
      { state: 'absent' },
    ],
    [
      'absent, naming the conflict, when user and secret belong to someone else',
      () => {
        iam.on(GetUserCommand).resolves(user({ Tags: [] }));
        secrets.on(DescribeSecretCommand).resolves({ ...secret(undefined, undefined), Tags: [{ Key: TAG_STACK, Value: OTHER_STACK_ID }] });
      },
      'v1',
      { state: 'absent', details: { conflict: expect.stringContaining(`IAM user ${UserName} exists but is not managed by this stack`) } },
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
