import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis';
import type { FakeAccount } from './account';

/** Creates a stream and settles it ACTIVE; returns its ARN. For the fake's own tests. */
export async function activeStream(fake: FakeAccount, name = 's1'): Promise<string> {
  await fake.clients().kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
  fake.kinesis.settleAll();
  return `arn:aws:kinesis:${fake.region}:${fake.account}:stream/${name}`;
}

/** A role `service` may assume, allowed `actions` on `resource`; returns its ARN. */
export async function serviceRole(
  fake: FakeAccount,
  name: string,
  service: string,
  actions: string[],
  resource: string,
  condition?: Record<string, Record<string, string>>,
): Promise<string> {
  const { iam } = fake.clients();
  const trust = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) }],
  };
  const out = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) }));
  const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: resource }] };
  await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'p', PolicyDocument: JSON.stringify(policy) }));
  return out.Role!.Arn!;
}
