import { TagResourceCommand } from '@aws-sdk/client-secrets-manager';
import { fromChanges, type PlannedChange } from '../../src/cli/component-plan';
import { defaultComponents } from '../../src/sources/registry';
import { LEGACY_SECRET_TAG_KEY_ID } from '../../src/sources/core/siem-access/reader-secret';
import { siemUserComponent } from '../../src/sources/core/siem-access/siem-user';
import { PipelineEngine } from '../../src/engine/engine';
import { planAll } from '../../src/engine/plan-all';
import { ACCOUNT, makeHarness, PROVISIONER_ROLE_ARN, props, readOnlyContext, REGION, scanLogsForSecrets } from './harness';

const ID = `siem-pipeline/${ACCOUNT}/${REGION}/demo`;
const SECRET = 'siem-pipeline/demo/reader-access-key';
const READER = 'arn:aws:iam::210987654321:role/siem-connector';
const KEY_1 = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1111aaaa-0000-4000-8000-000000000001`;
const KEY_2 = `arn:aws:kms:${REGION}:${ACCOUNT}:key/2222bbbb-0000-4000-8000-000000000002`;

interface SecretView {
  name: string;
  tags: Record<string, string>;
  kmsKeyId?: string;
  policy?: { Statement: { Sid: string; Condition?: Record<string, Record<string, string[]>>; Principal: unknown }[] };
}

function secretOf(h: ReturnType<typeof makeHarness>): SecretView {
  return (h.fake.snapshot().secrets as SecretView[]).find((s) => s.name === SECRET)!;
}

function currentKeyId(h: ReturnType<typeof makeHarness>): string {
  return (JSON.parse(h.fake.secrets.currentValue(SECRET)!) as { accessKeyId: string }).accessKeyId;
}

describe("the reader's access key secret", () => {
  it('is created with its KMS key and a policy that lets only the provisioner and the named readers in', async () => {
    const h = makeHarness();
    const res = await h.simulateEvent('Create', props({ SecretReaderArns: READER, SecretKmsKeyArn: KEY_1 }));
    expect(res.Status).toBe('SUCCESS');

    const secret = secretOf(h);
    expect(secret.kmsKeyId).toBe(KEY_1);
    const [denyOthers, readersOnlyRead, readersRead] = secret.policy!.Statement;
    expect(denyOthers.Condition).toEqual({ StringNotEquals: { 'aws:PrincipalArn': [PROVISIONER_ROLE_ARN, READER] } });
    expect(readersOnlyRead.Condition).toEqual({ StringNotEquals: { 'aws:PrincipalArn': [PROVISIONER_ROLE_ARN] } });
    expect(readersRead.Principal).toEqual({ AWS: [READER] });
    // The key id is kept only inside the encrypted value, never in a tag.
    expect(JSON.stringify(secret.tags)).not.toContain(currentKeyId(h));
  });

  it('a new KMS key re-keys the secret and rotates the access key; adding a reader only changes the policy', async () => {
    const h = makeHarness();
    await h.simulateEvent('Create', props({ SecretKmsKeyArn: KEY_1 }));
    const firstKey = currentKeyId(h);

    expect((await h.simulateEvent('Update', props({ SecretKmsKeyArn: KEY_2 }), { id: ID, props: props({ SecretKmsKeyArn: KEY_1 }) })).Status).toBe('SUCCESS');
    expect(secretOf(h).kmsKeyId).toBe(KEY_2);
    const secondKey = currentKeyId(h);
    expect(secondKey).not.toBe(firstKey);

    h.fake.resetCalls();
    const withReader = props({ SecretKmsKeyArn: KEY_2, SecretReaderArns: READER });
    expect((await h.simulateEvent('Update', withReader, { id: ID, props: props({ SecretKmsKeyArn: KEY_2 }) })).Status).toBe('SUCCESS');
    expect(currentKeyId(h)).toBe(secondKey);
    expect(
      h.fake
        .writes()
        .filter((c) => c.service === 'secrets')
        .map((c) => c.command),
    ).toEqual(['PutResourcePolicy']);
    expect(secretOf(h).policy!.Statement[0].Condition).toEqual({ StringNotEquals: { 'aws:PrincipalArn': [PROVISIONER_ROLE_ARN, READER] } });
  });

  it('back to the AWS managed key: the secret names no KMS key any more', async () => {
    const h = makeHarness();
    await h.simulateEvent('Create', props({ SecretKmsKeyArn: KEY_1 }));
    expect((await h.simulateEvent('Update', props(), { id: ID, props: props({ SecretKmsKeyArn: KEY_1 }) })).Status).toBe('SUCCESS');
    expect(secretOf(h).kmsKeyId).toBeUndefined();
  });
});

describe('plan and inspect of a pipeline with a secret', () => {
  const engine = new PipelineEngine(defaultComponents());

  it.each([
    ['as created', {}, undefined],
    ['a new AccessKeyRotation value', { AccessKeyRotation: '2' }, 'rotate access key, secret value: replace (access key rotation pending)'],
    ['a new KMS key', { SecretKmsKeyArn: KEY_2 }, 'rotate access key, secret value: replace (KMS key of the secret differs)'],
  ])('name neither the access key id nor the secret access key: %s, with the key id in a legacy tag', async (_case, overrides, said) => {
    const h = makeHarness();
    expect((await h.simulateEvent('Create', props())).Status).toBe('SUCCESS');
    const { accessKeyId, secretAccessKey } = JSON.parse(h.fake.secrets.currentValue(SECRET)!) as { accessKeyId: string; secretAccessKey: string };
    // An older version kept the key id itself in a tag: what reports on it must not repeat it.
    await h.fake.clients().secrets.send(new TagResourceCommand({ SecretId: SECRET, Tags: [{ Key: LEGACY_SECRET_TAG_KEY_ID, Value: accessKeyId }] }));
    const { config, ctx } = readOnlyContext(h, props(overrides));

    const plans = await planAll(engine, config, ctx);
    const userPlan = plans.find((p) => p.id === siemUserComponent.id)!;
    const reports = [plans, await siemUserComponent.inspect(config, ctx), fromChanges(userPlan.id, userPlan.changes)];

    const text = JSON.stringify(reports);
    expect(text).toContain('secret publishes the access key id in a tag');
    if (said) expect((reports[2] as PlannedChange).fields).toContain(said);
    expect(text).not.toContain(accessKeyId);
    expect(text).not.toContain(secretAccessKey);
  });
});

scanLogsForSecrets([]);
