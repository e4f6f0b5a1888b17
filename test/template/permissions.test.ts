import { readerSecretPolicy } from '../../src/sources/core/siem-access/secret-policy';
import {
  crossAccountTrustPolicy,
  eventsToKinesisTrustPolicy,
  flowLogsDeliveryPolicy,
  flowLogsTrustPolicy,
  logsToKinesisTrustPolicy,
  streamReaderPolicy,
  streamWriterPolicy,
  trailBucketPolicy,
  trailDeliveryPolicy,
  trailTrustPolicy,
  type PolicyDocument,
} from '../../src/components/policies';
import { loadConditionKeyTable, resourceTypeFindings, undocumentedKeys, undocumentedTrustKeys } from './condition-key-check';
import { asArray, loadTemplate, permissionStatements, resourceStrings, trustStatements, type JsonObject, type LocatedStatement } from './template-helpers';
import { ACCOUNT, REGION } from './permission-calls';

/** Statements of the documents the provisioner writes (src/components/policies.ts), located by builder name. */
function written(docs: Record<string, PolicyDocument>): LocatedStatement[] {
  return Object.entries(docs).flatMap(([where, doc]) =>
    doc.Statement.map((statement) => ({ where, statement: statement as unknown as LocatedStatement['statement'] })),
  );
}

const SCOPE = { partition: 'aws', region: REGION, account: ACCOUNT };
const STREAM_ARN = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/siem-perm`;
const TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/siem-perm`;
const GROUP_ARN = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/siem-pipeline/perm/cloudtrail`;
const WRITTEN = written({
  streamReaderPolicy: streamReaderPolicy(STREAM_ARN),
  streamWriterPolicy: streamWriterPolicy(STREAM_ARN),
  flowLogsDeliveryPolicy: flowLogsDeliveryPolicy(GROUP_ARN),
  trailDeliveryPolicy: trailDeliveryPolicy(GROUP_ARN, ACCOUNT),
  trailBucketPolicy: trailBucketPolicy({ partition: 'aws', account: ACCOUNT, bucket: `siem-perm-${ACCOUNT}-${REGION}`, trailArn: TRAIL_ARN }),
  readerSecretPolicy: readerSecretPolicy({
    provisionerRoleArn: `arn:aws:iam::${ACCOUNT}:role/provisioner`,
    readers: [`arn:aws:iam::${ACCOUNT}:role/siem-connector`],
  }) as unknown as PolicyDocument,
});
const WRITTEN_TRUSTS = written({
  crossAccountTrustPolicy: crossAccountTrustPolicy({ partition: 'aws', trustedAccountId: '210987654321', externalId: 'external-id-1234' }),
  logsToKinesisTrustPolicy: logsToKinesisTrustPolicy(SCOPE, [GROUP_ARN]),
  eventsToKinesisTrustPolicy: eventsToKinesisTrustPolicy(SCOPE, 'siem-perm-'),
  flowLogsTrustPolicy: flowLogsTrustPolicy(SCOPE),
  trailTrustPolicy: trailTrustPolicy(),
});

describe('every condition key is documented for every action of its statement (Service Authorization Reference)', () => {
  const table = loadConditionKeyTable();
  const template = loadTemplate();

  it('the table is dated and names its source, and covers every action of the template and of the written policies', () => {
    expect(table.generated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(table.source.reference).toBe('https://docs.aws.amazon.com/service-authorization/latest/reference/');
    const actions = [...permissionStatements(template), ...WRITTEN].flatMap(({ statement }) => asArray(statement.Action)).filter((a) => !a.includes('*'));
    expect(actions.filter((a) => !table.actions[a])).toEqual([]);
  });

  it.each([
    ['template permission statements', () => undocumentedKeys(permissionStatements(template), table)],
    ['template trust policies', () => undocumentedTrustKeys(trustStatements(template), table)],
    ['policies the provisioner writes', () => undocumentedKeys(WRITTEN, table)],
    ['trust policies the provisioner writes', () => undocumentedTrustKeys(WRITTEN_TRUSTS, table)],
    ['template resources against the SAR resource types', () => resourceTypeFindings(permissionStatements(template), table)],
  ])('%s: no finding', (_what, findings) => {
    expect(findings()).toEqual([]);
  });

  it('passes each delivery role only to the service its trust policy lets assume it (iam:PassedToService)', () => {
    const trustOf: Record<string, PolicyDocument> = {
      'cwl-to-kinesis': logsToKinesisTrustPolicy(SCOPE, [GROUP_ARN]),
      'events-to-kinesis': eventsToKinesisTrustPolicy(SCOPE, 'siem-perm-'),
      'flowlogs-to-cwl': flowLogsTrustPolicy(SCOPE),
      'trail-to-cwl': trailTrustPolicy(),
    };
    const passes = permissionStatements(template).filter(({ statement }) => statement.Effect === 'Allow' && asArray(statement.Action).includes('iam:PassRole'));
    const passedTo = Object.fromEntries(
      passes.map(({ statement }) => [
        resourceStrings(statement)[0].split('-${AWS::Region}-')[1],
        asArray((statement.Condition?.StringEquals as JsonObject)['iam:PassedToService'] as string | string[]),
      ]),
    );
    expect(passedTo).toEqual(Object.fromEntries(Object.entries(trustOf).map(([role, doc]) => [role, [doc.Statement[0].Principal!.Service]])));
  });

  it('fails on a fixture with keys and resources the SAR does not document', () => {
    const wrong = loadTemplate('test/template/fixtures/wrong-condition-keys.yaml');
    expect(undocumentedKeys(permissionStatements(wrong), table)).toEqual([
      'Wrong/bad/TagOnCreate: aws:ResourceTag/siem-pipeline:stack is not a condition key of guardduty:ListDetectors (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonguardduty.html)',
      'Wrong/bad/PassRole: iam:PassedToService is not a condition key of iam:GetRole (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html)',
    ]);
    expect(undocumentedTrustKeys(trustStatements(wrong), table)).toEqual([
      'Wrong: cloudtrail.amazonaws.com does not send aws:SourceArn when it assumes a role',
      'Wrong: trust of ec2.amazonaws.com, whose request context is undocumented, conditions on aws:SourceAccount',
    ]);
    expect(resourceTypeFindings(permissionStatements(wrong), table)).toEqual([
      'Wrong/bad/Reshard: kinesis:UpdateShardCount has no resource types, so its Resource must be "*"',
      'Wrong/bad/Encrypt: kinesis:StartStreamEncryption needs a kmsKey resource (arn:${Partition}:kms:${Region}:${Account}:key/${KeyId})',
    ]);
  });
});
