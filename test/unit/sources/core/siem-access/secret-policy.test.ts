import { readerSecretPolicy, sameSecretPolicy } from '../../../../../src/sources/core/siem-access/secret-policy';

const PROVISIONER = 'arn:aws:iam::123456789012:role/siem-ProvisionerRole-ABC';
const READER = 'arn:aws:iam::210987654321:role/siem-connector';

describe('readerSecretPolicy', () => {
  it('denies everyone but the provisioner, and lets no reader in when none is named', () => {
    expect(readerSecretPolicy({ provisionerRoleArn: PROVISIONER, readers: [] })).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyEveryoneElse',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: ['secretsmanager:*'],
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:PrincipalArn': [PROVISIONER] } },
        },
        {
          Sid: 'ReadersOnlyRead',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          NotAction: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:PrincipalArn': [PROVISIONER] } },
        },
      ],
    });
  });

  it('lets named readers read (also across accounts) and nothing more', () => {
    const doc = readerSecretPolicy({ provisionerRoleArn: PROVISIONER, readers: [READER] });
    expect(doc.Statement[0].Condition).toEqual({ StringNotEquals: { 'aws:PrincipalArn': [PROVISIONER, READER] } });
    expect(doc.Statement[1].Condition).toEqual({ StringNotEquals: { 'aws:PrincipalArn': [PROVISIONER] } });
    expect(doc.Statement[2]).toEqual({
      Sid: 'ReadersRead',
      Effect: 'Allow',
      Principal: { AWS: [READER] },
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      Resource: '*',
    });
  });

  it.each([
    ['the same document', (d: object) => JSON.stringify(d), true],
    ['keys reordered', (d: object) => JSON.stringify(JSON.parse(JSON.stringify(d), (_k, v: unknown) => v)), true],
    ['a reader added', () => JSON.stringify(readerSecretPolicy({ provisionerRoleArn: PROVISIONER, readers: [READER] })), false],
    ['not JSON', () => 'not json', false],
  ])('sameSecretPolicy: %s -> %s', (_what, text, same) => {
    const doc = readerSecretPolicy({ provisionerRoleArn: PROVISIONER, readers: [] });
    expect(sameSecretPolicy(text(doc), doc)).toBe(same);
  });
});
