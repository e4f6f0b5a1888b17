import { EC2ServiceException, type Filter, type Tag, type TagSpecification } from '@aws-sdk/client-ec2';
import { ErrorFactory } from './errors';
import type { IamFake } from './iam';
import type { LogsFake } from './logs';
import { fromTagList, type FakeEnv } from './service';

export interface VpcState {
  id: string;
  cidr: string;
  isDefault: boolean;
  tags: Record<string, string>;
}

export interface FlowLogState {
  id: string;
  resourceId: string;
  trafficType: string;
  destinationType: string;
  logGroupName?: string;
  destination: string;
  roleArn?: string;
  format: string;
  interval: number;
  created: Date;
  deliverStatus: 'SUCCESS' | 'FAILED';
  deliverError?: string;
  tags: Record<string, string>;
}

export interface Ec2FakeOptions {
  /** Largest page DescribeVpcs / DescribeFlowLogs return, whatever MaxResults asks. */
  pageSize: number;
}

/** The AWS default (version 2) flow-log format: 14 fields. */
export const DEFAULT_FLOW_LOG_FORMAT =
  '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}';

export type Input = Record<string, unknown>;

/** CreateFlowLogs takes at most this many resource ids (the EC2 API model's CreateFlowLogsRequest.ResourceIds). */
export const MAX_FLOW_LOG_RESOURCES = 300;

/** The VPCs and flow logs of the EC2 fake and what its commands share: tags, filters, pages, the flow-log index. */
export abstract class Ec2State {
  readonly key = 'ec2' as const;
  readonly errors = new ErrorFactory({
    base: EC2ServiceException,
    modeled: {},
    protocol: 'ec2',
    throttling: 'RequestLimitExceeded',
    accessDenied: 'UnauthorizedOperation',
    actionPrefix: 'ec2',
  });
  protected readonly vpcs = new Map<string, VpcState>();
  protected readonly flowLogs = new Map<string, FlowLogState>();
  /** Flow log ids by the VPC they watch: lookups stay O(1) at 10,000 VPCs. */
  protected readonly flowLogsByResource = new Map<string, Set<string>>();

  constructor(
    protected readonly env: FakeEnv,
    protected readonly links: { logs: LogsFake; iam: IamFake },
    protected readonly opts: Ec2FakeOptions,
  ) {}

  // ---- tags, filters, pages ----

  protected changeTags(i: Input, add: boolean): Record<string, never> {
    for (const id of (i.Resources as string[] | undefined) ?? []) {
      const target = this.vpcs.get(id) ?? this.flowLogs.get(id);
      if (!target) throw this.errors.make(id.startsWith('vpc-') ? 'InvalidVpcID.NotFound' : 'InvalidID', `The ID '${id}' does not exist`);
      const tags = fromTagList(i.Tags as Tag[] | undefined);
      if (add) target.tags = { ...target.tags, ...tags };
      else for (const k of Object.keys(tags)) delete target.tags[k];
    }
    return {};
  }

  protected tagsFor(specs: unknown, resourceType: string): Record<string, string> {
    return fromTagList(((specs as TagSpecification[] | undefined) ?? []).filter((s) => s.ResourceType === resourceType).flatMap((s) => s.Tags ?? []));
  }

  protected tagField(tags: Record<string, string>, name: string): string[] | undefined {
    if (name === 'tag-key') return Object.keys(tags);
    if (name.startsWith('tag:')) return name.slice(4) in tags ? [tags[name.slice(4)]] : [];
    return undefined;
  }

  /** EC2 filters: every filter must match, any of its values; `*` is a wildcard. Patterns are compiled once per call. */
  protected matcher(filters: Filter[] | undefined): (field: (name: string) => string[] | undefined) => boolean {
    const compiled = (filters ?? []).map((f) => ({
      name: f.Name ?? '',
      patterns: (f.Values ?? []).map(
        (want) =>
          new RegExp(
            `^${want
              .split('*')
              .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
              .join('.*')}$`,
          ),
      ),
    }));
    return (field) =>
      compiled.every(({ name, patterns }) => {
        const actual = field(name);
        if (actual === undefined) throw this.errors.make('InvalidParameterValue', `The filter '${name}' is invalid`);
        return patterns.some((p) => actual.some((a) => p.test(a)));
      });
  }

  protected flowLogsOf(resourceId: string): FlowLogState[] {
    return [...(this.flowLogsByResource.get(resourceId) ?? [])].map((id) => this.flowLogs.get(id)!);
  }

  protected addFlowLog(f: FlowLogState): void {
    this.flowLogs.set(f.id, f);
    const ids = this.flowLogsByResource.get(f.resourceId) ?? new Set<string>();
    this.flowLogsByResource.set(f.resourceId, ids.add(f.id));
  }

  protected removeFlowLog(id: string): boolean {
    const f = this.flowLogs.get(id);
    if (!f) return false;
    this.flowLogs.delete(id);
    this.flowLogsByResource.get(f.resourceId)?.delete(id);
    return true;
  }

  protected page<T>(all: T[], i: Input): { page: T[]; next?: string } {
    const start = i.NextToken ? Number(Buffer.from(String(i.NextToken), 'base64').toString()) : 0;
    const size = Math.min(Number(i.MaxResults ?? Number.MAX_SAFE_INTEGER), this.opts.pageSize);
    const page = all.slice(start, start + size);
    return start + size < all.length ? { page, next: Buffer.from(String(start + size)).toString('base64') } : { page };
  }
}
