import { ACCOUNT, makeHarness, PROVISIONER_ROLE_ARN, props, REGION, scanLogsForSecrets } from './harness';

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
    expect(denyOthers!.Condition).toEqual({ StringNotEquals: { 'aws:PrincipalArn': [PROVISIONER_ROLE_ARN, READER] } });
    expect(readersOnlyRead!.Condition).toEqual({ StringNotEquals: { 'aws:PrincipalArn': [PROVISIONER_ROLE_ARN] } });
    expect(readersRead!.Principal).toEqual({ AWS: [READER] });
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
    expect(secretOf(h).policy!.Statement[0]!.Condition).toEqual({ StringNotEquals: { 'aws:PrincipalArn': [PROVISIONER_ROLE_ARN, READER] } });
  });

  it('back to the AWS managed key: the secret names no KMS key any more', async () => {
    const h = makeHarness();
    await h.simulateEvent('Create', props({ SecretKmsKeyArn: KEY_1 }));
    expect((await h.simulateEvent('Update', props(), { id: ID, props: props({ SecretKmsKeyArn: KEY_1 }) })).Status).toBe('SUCCESS');
    expect(secretOf(h).kmsKeyId).toBeUndefined();
  });
});

scanLogsForSecrets([]);
