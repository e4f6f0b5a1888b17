// Shared by delivery-roles.test.ts: the mocked IAM client and every delivery role with the documents it must carry.
import { IAMClient, NoSuchEntityException, type Role } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { TAG_NAME, TAG_STACK } from '../../../src/config/names';
import type { Component } from '../../../src/components/component';
import { eventsRoleComponent, flowLogsRoleComponent, logsRoleComponent, trailRoleComponent } from '../../../src/sources/delivery-roles';
import { awsError } from '../helpers/aws-mock';
import { createTestContext, TEST_BOUNDARY_ARN, TEST_STACK_ID } from '../helpers/context';

export const iam = mockClient(IAMClient);
export const { ctx } = createTestContext();
export const A = '123456789012';
export const R = 'eu-west-1';
const STREAM_ARN = `arn:aws:kinesis:${R}:${A}:stream/siem-test`;
export const ourTags = [
  { Key: TAG_NAME, Value: 'test' },
  { Key: TAG_STACK, Value: TEST_STACK_ID },
];

export interface RoleCase {
  component: Component;
  roleName: string;
  description: string;
  trust: object;
  policy: object;
}

/** Every delivery role with the exact documents it must carry (written out, not rebuilt from the code under test). */
export const roles: [string, RoleCase][] = [
  [
    'logs-role',
    {
      component: logsRoleComponent,
      roleName: `siem-test-${R}-cwl-to-kinesis`,
      description: 'CloudWatch Logs subscription filters deliver to Kinesis stream siem-test',
      trust: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'logs.amazonaws.com' },
            Action: ['sts:AssumeRole'],
            Condition: {
              StringEquals: { 'aws:SourceAccount': A },
              ArnLike: {
                'aws:SourceArn': [
                  `arn:aws:logs:${R}:${A}:log-group:/siem-pipeline/test/cloudtrail`,
                  `arn:aws:logs:${R}:${A}:log-group:/siem-pipeline/test/cloudtrail:*`,
                  `arn:aws:logs:${R}:${A}:log-group:/siem-pipeline/test/vpc-flow-logs`,
                  `arn:aws:logs:${R}:${A}:log-group:/siem-pipeline/test/vpc-flow-logs:*`,
                ],
              },
            },
          },
        ],
      },
      policy: {
        Version: '2012-10-17',
        Statement: [{ Sid: 'PutIntoStream', Effect: 'Allow', Action: ['kinesis:PutRecord', 'kinesis:PutRecords'], Resource: [STREAM_ARN] }],
      },
    },
  ],
  [
    'events-role',
    {
      component: eventsRoleComponent,
      roleName: `siem-test-${R}-events-to-kinesis`,
      description: 'EventBridge rules deliver to Kinesis stream siem-test',
      trust: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: ['sts:AssumeRole'],
            Condition: { StringEquals: { 'aws:SourceAccount': A }, ArnLike: { 'aws:SourceArn': `arn:aws:events:${R}:${A}:rule/siem-test-*` } },
          },
        ],
      },
      policy: {
        Version: '2012-10-17',
        Statement: [{ Sid: 'PutIntoStream', Effect: 'Allow', Action: ['kinesis:PutRecord', 'kinesis:PutRecords'], Resource: [STREAM_ARN] }],
      },
    },
  ],
  [
    'flowlogs-role',
    {
      component: flowLogsRoleComponent,
      roleName: `siem-test-${R}-flowlogs-to-cwl`,
      description: 'VPC Flow Logs deliver to log group /siem-pipeline/test/vpc-flow-logs',
      trust: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Action: ['sts:AssumeRole'],
            Condition: { StringEquals: { 'aws:SourceAccount': A }, ArnLike: { 'aws:SourceArn': `arn:aws:ec2:${R}:${A}:vpc-flow-log/*` } },
          },
        ],
      },
      policy: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'WriteFlowLogGroup',
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            Resource: [`arn:aws:logs:${R}:${A}:log-group:/siem-pipeline/test/vpc-flow-logs:*`],
          },
        ],
      },
    },
  ],
  [
    'trail-role',
    {
      component: trailRoleComponent,
      roleName: `siem-test-${R}-trail-to-cwl`,
      description: 'CloudTrail trail siem-test delivers to log group /siem-pipeline/test/cloudtrail',
      trust: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            // No condition: CloudTrail sends no aws:SourceArn / aws:SourceAccount for its CloudWatch Logs role.
            Action: ['sts:AssumeRole'],
          },
        ],
      },
      policy: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'WriteTrailLogStreams',
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: [`arn:aws:logs:${R}:${A}:log-group:/siem-pipeline/test/cloudtrail:log-stream:${A}_CloudTrail_*`],
          },
        ],
      },
    },
  ],
];

export function role(c: RoleCase, over: Partial<Role> = {}): { Role: Role } {
  return {
    Role: {
      Path: '/siem-pipeline/',
      RoleName: c.roleName,
      RoleId: 'AROAROLEID',
      Arn: `arn:aws:iam::${A}:role/siem-pipeline/${c.roleName}`,
      CreateDate: new Date(0),
      AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(c.trust)),
      Tags: ourTags,
      PermissionsBoundary: { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: TEST_BOUNDARY_ARN },
      ...over,
    },
  };
}
export const noRole = () => awsError(NoSuchEntityException, 'The role cannot be found.', 'NoSuchEntity');
