import { samePolicy, type PolicyDocument } from '../../../components/policies';

/** Who may do what with the reader's secret. */
export interface SecretAccess {
  /** The provisioner's role: it alone writes, rotates, re-keys and deletes the secret. */
  provisionerRoleArn: string;
  /** IAM roles and users (SecretReaderArns) that may read the secret; nobody else may. */
  readers: readonly string[];
}

interface SecretPolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Principal: { AWS: string | string[] };
  Action?: string[];
  NotAction?: string[];
  Resource: '*';
  Condition?: Record<string, Record<string, string[]>>;
}

/** A Secrets Manager resource policy document. */
export interface SecretPolicyDocument {
  Version: '2012-10-17';
  Statement: SecretPolicyStatement[];
}

/** What a named reader may do: read the value and see the secret. */
export const SECRET_READ_ACTIONS = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'];

/**
 * The secret's resource policy: everyone but the provisioner and the named readers is denied every action
 * (an explicit Deny beats any `secretsmanager:*` grant of theirs); readers are denied everything but reading.
 * The Denies name `secretsmanager:*` and NotAction on purpose: they must cover actions the service adds later.
 * aws:PrincipalArn is the role's ARN for a role session, so the provisioner matches by its role.
 */
export function readerSecretPolicy(access: SecretAccess): SecretPolicyDocument {
  const everyone = { AWS: '*' };
  const statements: SecretPolicyStatement[] = [
    {
      Sid: 'DenyEveryoneElse',
      Effect: 'Deny',
      Principal: everyone,
      Action: ['secretsmanager:*'],
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:PrincipalArn': [access.provisionerRoleArn, ...access.readers] } },
    },
    {
      Sid: 'ReadersOnlyRead',
      Effect: 'Deny',
      Principal: everyone,
      NotAction: [...SECRET_READ_ACTIONS],
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:PrincipalArn': [access.provisionerRoleArn] } },
    },
  ];
  if (access.readers.length > 0) {
    statements.push({ Sid: 'ReadersRead', Effect: 'Allow', Principal: { AWS: [...access.readers] }, Action: [...SECRET_READ_ACTIONS], Resource: '*' });
  }
  return { Version: '2012-10-17', Statement: statements };
}

/** True when the policy text Secrets Manager holds says the same as `doc` (key order and one-item lists aside). */
export function sameSecretPolicy(text: string | undefined, doc: SecretPolicyDocument): boolean {
  // samePolicy compares parsed documents generically; only its parameter type is narrower than this document.
  return samePolicy(text, doc as unknown as PolicyDocument);
}
