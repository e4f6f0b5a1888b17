import {
  DeleteAccessKeyCommand,
  DeleteConflictException,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { DeleteSecretCommand, DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { TAG_STACK } from '../../../../../src/config/names';
import { siemUserComponent } from '../../../../../src/sources/core/siem-access/siem-user';
import { awsError, sentCommands, sentRequests } from '../../../helpers/aws-mock';
import { createTestContext, OTHER_STACK_ID, testConfig } from '../../../helpers/context';
import { ctx, iam, keys, noSecret, noUser, SECRET_ARN, secret, SecretName, secrets, useSiemUserMocks, user, UserName } from './siem-user.helpers';

useSiemUserMocks();

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
