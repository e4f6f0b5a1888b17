import {
  CloudWatchLogsServiceException,
  InvalidParameterException,
  LimitExceededException,
  OperationAbortedException,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import { ErrorFactory } from './errors';
import type { IamFake } from './iam';
import type { KinesisFake } from './kinesis';
import { type FilterMatcher } from './logs-filter';
import { type FakeEnv } from './service';

export interface FilterState {
  name: string;
  pattern: string;
  matcher: FilterMatcher;
  destinationArn: string;
  roleArn?: string;
  distribution: 'Random' | 'ByLogStream';
  created: number;
}

export interface GroupState {
  name: string;
  created: number;
  retentionInDays?: number;
  kmsKeyId?: string;
  tags: Record<string, string>;
  streams: Set<string>;
  filters: FilterState[];
}

export interface LogsFakeOptions {
  /** Subscription filters per log group (the quota page says 2). */
  filtersPerGroup: number;
  /** Page size of DescribeLogGroups when the caller asks for more (AWS default and maximum: 50). */
  pageSize: number;
}

export const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
export const NOT_DELIVERED_STREAM = 'Could not deliver test message to specified Kinesis stream. Check if the given kinesis stream is in ACTIVE state.';
export const NOT_DELIVERED = 'Could not deliver test message to specified destination. Check if the destination is valid.';

/** The log groups of the CloudWatch Logs fake and what its commands share: group lookup and name checks. */
export abstract class LogsGroups {
  readonly key = 'logs' as const;
  readonly errors = new ErrorFactory({
    base: CloudWatchLogsServiceException,
    modeled: {
      InvalidParameterException: [InvalidParameterException, 400],
      LimitExceededException: [LimitExceededException, 400],
      OperationAbortedException: [OperationAbortedException, 400],
      ResourceAlreadyExistsException: [ResourceAlreadyExistsException, 400],
      ResourceNotFoundException: [ResourceNotFoundException, 400],
    },
    protocol: 'json',
    throttling: 'ThrottlingException',
    accessDenied: 'AccessDeniedException',
    actionPrefix: 'logs',
  });
  protected readonly groups = new Map<string, GroupState>();
  protected eventId = 0;

  constructor(
    protected readonly env: FakeEnv,
    protected readonly links: { kinesis: KinesisFake; iam: IamFake },
    protected readonly opts: LogsFakeOptions,
  ) {}

  /** The ARN of a log group as DescribeLogGroups shows it (with `:*`) and as tagging takes it (without). */
  arnOf(name: string, star = true): string {
    return `arn:${this.env.partition}:logs:${this.env.region}:${this.env.account}:log-group:${name}${star ? ':*' : ''}`;
  }

  // ---- helpers ----

  protected group(name: string | undefined): GroupState {
    const g = name === undefined ? undefined : this.groups.get(name);
    if (!g) throw this.errors.make('ResourceNotFoundException', 'The specified log group does not exist.');
    return g;
  }

  protected groupOfArn(arn: string | undefined): GroupState {
    const m = /^arn:aws[a-z-]*:logs:([a-z0-9-]+):(\d{12}):log-group:(.+?)(:\*)?$/.exec(arn ?? '');
    if (!m) throw this.errors.make('InvalidParameterException', `Invalid resource ARN ${String(arn)}`);
    return this.group(m[3]);
  }

  protected validName(name: string | undefined): string {
    if (name === undefined || !/^[\w\-/.#]{1,512}$/.test(name)) {
      throw this.errors.make(
        'InvalidParameterException',
        `1 validation error detected: Value '${String(name)}' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+`,
      );
    }
    return name;
  }
}
