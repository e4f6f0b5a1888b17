import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  RestoreSecretCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { FakeAccount } from './account';

async function withSecret(): Promise<{ sm: SecretsManagerClient; arn: string; fake: FakeAccount }> {
  const fake = new FakeAccount();
  const sm = fake.clients().secrets;
  const out = await sm.send(
    new CreateSecretCommand({ Name: 'siem-pipeline/demo/key', SecretString: 'v1', Tags: [{ Key: 'siem-pipeline:name', Value: 'demo' }] }),
  );
  return { sm, arn: out.ARN!, fake };
}

describe('fake Secrets Manager', () => {
  it('creates a secret whose ARN carries the random 6-character suffix, found by name, ARN or partial ARN', async () => {
    const { sm, arn } = await withSecret();
    expect(arn).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:siem-pipeline\/demo\/key-[A-Za-z0-9]{6}$/);
    for (const SecretId of ['siem-pipeline/demo/key', arn, arn.slice(0, -7)]) {
      const d = await sm.send(new DescribeSecretCommand({ SecretId }));
      expect(d).toMatchObject({ ARN: arn, Name: 'siem-pipeline/demo/key', Tags: [{ Key: 'siem-pipeline:name', Value: 'demo' }] });
    }
    await expect(sm.send(new CreateSecretCommand({ Name: 'siem-pipeline/demo/key', SecretString: 'x' }))).rejects.toMatchObject({
      name: 'ResourceExistsException',
      message: 'The operation failed because the secret siem-pipeline/demo/key already exists.',
    });
  });

  it('moves AWSCURRENT to the new version and AWSPREVIOUS to the old one', async () => {
    const { sm, arn } = await withSecret();
    const first = (await sm.send(new GetSecretValueCommand({ SecretId: arn }))).VersionId!;
    const second = await sm.send(new PutSecretValueCommand({ SecretId: arn, SecretString: 'v2' }));

    expect(second.VersionStages).toEqual(['AWSCURRENT']);
    expect((await sm.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString).toBe('v2');
    expect((await sm.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: 'AWSPREVIOUS' }))).SecretString).toBe('v1');
    expect((await sm.send(new DescribeSecretCommand({ SecretId: arn }))).VersionIdsToStages).toEqual({
      [first]: ['AWSPREVIOUS'],
      [second.VersionId!]: ['AWSCURRENT'],
    });
  });

  it('tags and untags', async () => {
    const { sm, arn } = await withSecret();
    await sm.send(new TagResourceCommand({ SecretId: arn, Tags: [{ Key: 'k', Value: 'v' }] }));
    await sm.send(new UntagResourceCommand({ SecretId: arn, TagKeys: ['siem-pipeline:name'] }));
    expect((await sm.send(new DescribeSecretCommand({ SecretId: arn }))).Tags).toEqual([{ Key: 'k', Value: 'v' }]);
  });

  it('keeps a secret scheduled for deletion: described with DeletedDate, unusable, its name taken, restorable', async () => {
    const { sm, arn, fake } = await withSecret();
    const del = await sm.send(new DeleteSecretCommand({ SecretId: arn, RecoveryWindowInDays: 7 }));
    expect(del.DeletionDate).toBeInstanceOf(Date);
    expect((await sm.send(new DescribeSecretCommand({ SecretId: arn }))).DeletedDate).toBeInstanceOf(Date);
    expect(fake.resourcesOwnedBy('demo')).toEqual([{ service: 'secrets', type: 'secret (scheduled for deletion)', id: 'siem-pipeline/demo/key' }]);
    await expect(sm.send(new GetSecretValueCommand({ SecretId: arn }))).rejects.toMatchObject({
      name: 'InvalidRequestException',
      message: "You can't perform this operation on the secret because it was marked for deletion.",
    });
    await expect(sm.send(new CreateSecretCommand({ Name: 'siem-pipeline/demo/key', SecretString: 'x' }))).rejects.toMatchObject({
      name: 'InvalidRequestException',
      message: "You can't create this secret because a secret with this name is already scheduled for deletion.",
    });

    await sm.send(new RestoreSecretCommand({ SecretId: arn }));
    expect((await sm.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString).toBe('v1');
  });

  it('deletes at once with ForceDeleteWithoutRecovery, and refuses it combined with a recovery window', async () => {
    const { sm, arn, fake } = await withSecret();
    await expect(sm.send(new DeleteSecretCommand({ SecretId: arn, ForceDeleteWithoutRecovery: true, RecoveryWindowInDays: 7 }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await sm.send(new DeleteSecretCommand({ SecretId: arn, ForceDeleteWithoutRecovery: true }));

    await expect(sm.send(new DescribeSecretCommand({ SecretId: arn }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect(fake.resourcesOwnedBy('demo')).toEqual([]);
  });
});
