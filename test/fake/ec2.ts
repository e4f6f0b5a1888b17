import { EC2ServiceException, type Filter, type FlowLog, type Tag, type TagSpecification, type Vpc } from '@aws-sdk/client-ec2';
import { ErrorFactory } from './errors';
import type { IamFake } from './iam';
import type { LogsFake } from './logs';
import { fromTagList, matchesOwner, notModelled, toTagList, type FakeEnv, type FakeService, type OwnedResource, type OwnerMatch } from './service';

interface VpcState {
  id: string;
  cidr: string;
  isDefault: boolean;
  tags: Record<string, string>;
}

interface FlowLogState {
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

type Input = Record<string, unknown>;

/** CreateFlowLogs takes at most this many resource ids (the EC2 API model's CreateFlowLogsRequest.ResourceIds). */
export const MAX_FLOW_LOG_RESOURCES = 300;

/**
 * EC2, the part the pipeline uses: VPCs and VPC flow logs. Listings page at a small page size so callers
 * must follow NextToken; CreateFlowLogs reports per-VPC failures in Unsuccessful[] (FlowLogAlreadyExists,
 * InvalidVpcID.NotFound) and marks delivery FAILED when the role cannot be used.
 */
export class Ec2Fake implements FakeService {
  readonly key = 'ec2' as const;
  readonly errors = new ErrorFactory({
    base: EC2ServiceException,
    modeled: {},
    protocol: 'ec2',
    throttling: 'RequestLimitExceeded',
    accessDenied: 'UnauthorizedOperation',
    actionPrefix: 'ec2',
  });
  private readonly vpcs = new Map<string, VpcState>();
  private readonly flowLogs = new Map<string, FlowLogState>();
  /** Flow log ids by the VPC they watch: lookups stay O(1) at 10,000 VPCs. */
  private readonly flowLogsByResource = new Map<string, Set<string>>();

  constructor(
    private readonly env: FakeEnv,
    private readonly links: { logs: LogsFake; iam: IamFake },
    private readonly opts: Ec2FakeOptions,
  ) {}

  private readonly handlers: Record<string, (i: Input) => unknown> = {
    CreateVpc: (i) => ({ Vpc: this.vpcView(this.addVpc(this.tagsFor(i.TagSpecifications, 'vpc'), String(i.CidrBlock ?? '10.0.0.0/16'))) }),
    DeleteVpc: (i) => this.deleteVpc(i),
    DescribeVpcs: (i) => this.describeVpcs(i),
    CreateFlowLogs: (i) => this.createFlowLogs(i),
    DescribeFlowLogs: (i) => this.describeFlowLogs(i),
    DeleteFlowLogs: (i) => this.deleteFlowLogs(i),
    CreateTags: (i) => this.changeTags(i, true),
    DeleteTags: (i) => this.changeTags(i, false),
  };

  readonly commands = Object.keys(this.handlers);

  handle(command: string, input: Record<string, unknown>): unknown {
    const h = this.handlers[command];
    if (!h) return notModelled(this.key, command);
    return h(input);
  }

  /** Adds `count` VPCs that exist before the test; returns their ids. */
  seedVpcs(count: number, tags: Record<string, string> = {}): string[] {
    return Array.from({ length: count }, (_, n) => this.addVpc({ ...tags }, `10.${n % 256}.0.0/16`).id);
  }

  /**
   * Flow records as the VPC's flow logs deliver them: written to each delivering flow log's log group
   * (and so to its subscription filters). Returns the number of log groups reached.
   */
  recordFlows(vpcId: string, lines: readonly string[]): number {
    let reached = 0;
    for (const f of this.flowLogsOf(vpcId)) {
      if (f.deliverStatus !== 'SUCCESS' || !f.logGroupName || !this.links.logs.hasGroup(f.logGroupName)) continue;
      this.links.logs.ingest(f.logGroupName, `eni-${vpcId.slice(4, 12)}-all`, lines);
      reached++;
    }
    return reached;
  }

  snapshot(): unknown {
    return {
      vpcs: [...this.vpcs.values()].map((v) => ({ id: v.id, tags: { ...v.tags } })),
      flowLogs: [...this.flowLogs.values()].map((f) => ({
        id: f.id,
        resourceId: f.resourceId,
        trafficType: f.trafficType,
        destination: f.logGroupName ?? f.destination,
        format: f.format,
        interval: f.interval,
        deliverStatus: f.deliverStatus,
        tags: { ...f.tags },
      })),
    };
  }

  /** Our flow logs: tagged as ours or delivering to one of our log groups. */
  owned(match: OwnerMatch): OwnedResource[] {
    return [...this.flowLogs.values()]
      .filter((f) => matchesOwner(match, f.logGroupName ?? '', f.tags))
      .map((f) => ({ service: this.key, type: 'flow-log', id: `${f.id} (${f.resourceId})` }));
  }

  // ---- VPCs ----

  private addVpc(tags: Record<string, string>, cidr: string): VpcState {
    const v: VpcState = { id: `vpc-${this.env.random(17, '0123456789abcdef')}`, cidr, isDefault: false, tags };
    this.vpcs.set(v.id, v);
    return v;
  }

  private deleteVpc(i: Input): Record<string, never> {
    const id = String(i.VpcId);
    if (!this.vpcs.delete(id)) throw this.errors.make('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`);
    for (const f of this.flowLogsOf(id)) this.removeFlowLog(f.id);
    return {};
  }

  private describeVpcs(i: Input): unknown {
    if (i.MaxResults !== undefined && (Number(i.MaxResults) < 5 || Number(i.MaxResults) > 1000)) {
      throw this.errors.make(
        'InvalidParameterValue',
        `Value ( ${String(i.MaxResults)} ) for parameter maxResults is invalid. Expecting a value greater than 5.`,
      );
    }
    const ids = i.VpcIds as string[] | undefined;
    const missing = (ids ?? []).filter((id) => !this.vpcs.has(id));
    if (missing.length > 0) throw this.errors.make('InvalidVpcID.NotFound', `The vpc ID '${missing.join("', '")}' does not exist`);
    const matches = this.matcher(i.Filters as Filter[] | undefined);
    const candidates = ids && ids.length > 0 ? [...new Set(ids)].map((id) => this.vpcs.get(id)!) : [...this.vpcs.values()];
    const all = candidates.filter((v) => matches((name) => this.vpcField(v, name)));
    const { page, next } = this.page(all, i);
    return { Vpcs: page.map((v) => this.vpcView(v)), ...(next ? { NextToken: next } : {}) };
  }

  private vpcField(v: VpcState, name: string): string[] | undefined {
    if (name === 'vpc-id') return [v.id];
    if (name === 'is-default') return [String(v.isDefault)];
    if (name === 'state') return ['available'];
    if (name === 'owner-id') return [this.env.account];
    return this.tagField(v.tags, name);
  }

  private vpcView(v: VpcState): Vpc {
    return {
      VpcId: v.id,
      CidrBlock: v.cidr,
      State: 'available',
      OwnerId: this.env.account,
      IsDefault: v.isDefault,
      InstanceTenancy: 'default',
      DhcpOptionsId: 'dopt-0123456789abcdef0',
      ...(Object.keys(v.tags).length > 0 ? { Tags: toTagList(v.tags) } : {}),
    };
  }

  // ---- flow logs ----

  private createFlowLogs(i: Input): unknown {
    const ids = (i.ResourceIds as string[] | undefined) ?? [];
    if (i.ResourceType !== 'VPC') throw new Error('fake account: only VPC flow logs are modelled');
    // The current EC2 API model: at most 300 resource ids per call (older pages said 1000). The error code is undocumented.
    if (ids.length < 1 || ids.length > MAX_FLOW_LOG_RESOURCES) {
      throw this.errors.make('InvalidParameterValue', `The number of resource IDs must be between 1 and ${MAX_FLOW_LOG_RESOURCES}; got ${ids.length}.`);
    }
    const destinationType = String(i.LogDestinationType ?? 'cloud-watch-logs');
    const logGroupName = i.LogGroupName ? String(i.LogGroupName) : /:log-group:([^:]+)/.exec(String(i.LogDestination ?? ''))?.[1];
    if (destinationType === 'cloud-watch-logs' && !logGroupName)
      throw this.errors.make('InvalidParameter', 'LogGroupName or LogDestination is required for cloud-watch-logs.');
    if (destinationType === 'cloud-watch-logs' && !i.DeliverLogsPermissionArn) {
      throw this.errors.make('InvalidParameter', 'DeliverLogsPermissionArn must be specified for the cloud-watch-logs destination type.');
    }
    const interval = Number(i.MaxAggregationInterval ?? 600);
    if (interval !== 60 && interval !== 600)
      throw this.errors.make('InvalidParameterValue', `Invalid MaxAggregationInterval ${interval}: allowed values are 60 and 600.`);
    const format = String(i.LogFormat ?? DEFAULT_FLOW_LOG_FORMAT);
    if (!/^\$\{[a-z0-9-]+\}( \$\{[a-z0-9-]+\})*$/.test(format)) throw this.errors.make('InvalidParameter', `Invalid log format: ${format}`);
    const trafficType = String(i.TrafficType ?? 'ALL');
    const destination = logGroupName ? this.links.logs.arnOf(logGroupName, false) : String(i.LogDestination ?? '');
    const tags = this.tagsFor(i.TagSpecifications, 'vpc-flow-log');

    const FlowLogIds: string[] = [];
    const Unsuccessful: { ResourceId: string; Error: { Code: string; Message: string } }[] = [];
    const fresh: { id: string; resourceId: string }[] = [];
    for (const resourceId of ids) {
      if (!this.vpcs.has(resourceId)) {
        Unsuccessful.push({ ResourceId: resourceId, Error: { Code: 'InvalidVpcID.NotFound', Message: `The vpc ID '${resourceId}' does not exist` } });
        continue;
      }
      const same = this.flowLogsOf(resourceId).some((f) => f.trafficType === trafficType && f.destination === destination);
      if (same) {
        Unsuccessful.push({
          ResourceId: resourceId,
          Error: { Code: 'FlowLogAlreadyExists', Message: 'Error. There is an existing Flow Log with the same configuration and log destination.' },
        });
        continue;
      }
      fresh.push({ id: `fl-${this.env.random(17, '0123456789abcdef')}`, resourceId });
    }
    const roleArn = i.DeliverLogsPermissionArn as string | undefined;
    // EC2 assumes the delivery role when it creates the flow logs: a role it cannot assume (not propagated yet,
    // or a trust policy refusing vpc-flow-logs.amazonaws.com) fails the whole call, before any flow log exists.
    // A role it can assume but whose policy falls short only shows later, as a FAILED delivery status.
    const deliveries = fresh.map((f) => this.deliveryStatus(f.id, roleArn, destination));
    if (destinationType === 'cloud-watch-logs' && deliveries.some((d) => d.assumed === false)) {
      throw this.errors.make('InvalidParameter', `Unable to assume given IAM role: '${String(roleArn)}'`);
    }
    fresh.forEach(({ id, resourceId }, n) => {
      this.addFlowLog({
        id,
        resourceId,
        trafficType,
        destinationType,
        ...(logGroupName ? { logGroupName } : {}),
        destination,
        ...(roleArn ? { roleArn: String(roleArn) } : {}),
        format,
        interval,
        created: new Date(this.env.now()),
        deliverStatus: deliveries[n]!.deliverStatus,
        ...(deliveries[n]!.deliverError ? { deliverError: deliveries[n]!.deliverError } : {}),
        tags: { ...tags },
      });
      FlowLogIds.push(id);
    });
    return { FlowLogIds, Unsuccessful, ...(i.ClientToken ? { ClientToken: i.ClientToken } : {}) };
  }

  /**
   * Delivery works only when vpc-flow-logs.amazonaws.com can use the role to write to the group; `assumed`
   * is false when the service could not assume the role at all.
   */
  private deliveryStatus(
    id: string,
    roleArn: string | undefined,
    destination: string,
  ): Pick<FlowLogState, 'deliverStatus' | 'deliverError'> & { assumed: boolean } {
    const facts = { sourceArn: `arn:${this.env.partition}:ec2:${this.env.region}:${this.env.account}:vpc-flow-log/${id}`, sourceAccount: this.env.account };
    const use = this.links.iam.useRole(
      roleArn,
      'vpc-flow-logs->logs',
      facts,
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      `${destination}:log-stream:eni-all`,
    );
    return use.ok ? { deliverStatus: 'SUCCESS', assumed: true } : { deliverStatus: 'FAILED', deliverError: 'Access error', assumed: use.assumed };
  }

  private describeFlowLogs(i: Input): unknown {
    const ids = i.FlowLogIds as string[] | undefined;
    const matches = this.matcher(i.Filter as Filter[] | undefined);
    const candidates = ids && ids.length > 0 ? [...new Set(ids)].flatMap((id) => this.flowLogs.get(id) ?? []) : [...this.flowLogs.values()];
    const all = candidates.filter((f) => matches((name) => this.flowLogField(f, name)));
    const { page, next } = this.page(all, i);
    return { FlowLogs: page.map((f) => this.flowLogView(f)), ...(next ? { NextToken: next } : {}) };
  }

  private flowLogField(f: FlowLogState, name: string): string[] | undefined {
    const fields: Record<string, string | undefined> = {
      'resource-id': f.resourceId,
      'log-group-name': f.logGroupName,
      'flow-log-id': f.id,
      'deliver-log-status': f.deliverStatus,
      'log-destination-type': f.destinationType,
      'traffic-type': f.trafficType,
    };
    if (name in fields) return fields[name] === undefined ? [] : [fields[name]!];
    return this.tagField(f.tags, name);
  }

  private flowLogView(f: FlowLogState): FlowLog {
    return {
      CreationTime: f.created,
      DeliverLogsPermissionArn: f.roleArn,
      DeliverLogsStatus: f.deliverStatus,
      ...(f.deliverError ? { DeliverLogsErrorMessage: f.deliverError } : {}),
      FlowLogId: f.id,
      FlowLogStatus: 'ACTIVE',
      ...(f.logGroupName ? { LogGroupName: f.logGroupName } : {}),
      ResourceId: f.resourceId,
      TrafficType: f.trafficType as FlowLog['TrafficType'],
      LogDestinationType: f.destinationType as FlowLog['LogDestinationType'],
      LogDestination: f.destination,
      LogFormat: f.format,
      MaxAggregationInterval: f.interval,
      ...(Object.keys(f.tags).length > 0 ? { Tags: toTagList(f.tags) } : {}),
    };
  }

  private deleteFlowLogs(i: Input): unknown {
    const Unsuccessful: { ResourceId: string; Error: { Code: string; Message: string } }[] = [];
    for (const id of (i.FlowLogIds as string[] | undefined) ?? []) {
      if (!this.removeFlowLog(id)) {
        Unsuccessful.push({
          ResourceId: id,
          Error: { Code: 'InvalidFlowLogId.NotFound', Message: `These flow log ids in the input list are not found: [TotalCount: 1] ${id}` },
        });
      }
    }
    return { Unsuccessful };
  }

  // ---- tags, filters, pages ----

  private changeTags(i: Input, add: boolean): Record<string, never> {
    for (const id of (i.Resources as string[] | undefined) ?? []) {
      const target = this.vpcs.get(id) ?? this.flowLogs.get(id);
      if (!target) throw this.errors.make(id.startsWith('vpc-') ? 'InvalidVpcID.NotFound' : 'InvalidID', `The ID '${id}' does not exist`);
      const tags = fromTagList(i.Tags as Tag[] | undefined);
      if (add) target.tags = { ...target.tags, ...tags };
      else for (const k of Object.keys(tags)) delete target.tags[k];
    }
    return {};
  }

  private tagsFor(specs: unknown, resourceType: string): Record<string, string> {
    return fromTagList(((specs as TagSpecification[] | undefined) ?? []).filter((s) => s.ResourceType === resourceType).flatMap((s) => s.Tags ?? []));
  }

  private tagField(tags: Record<string, string>, name: string): string[] | undefined {
    if (name === 'tag-key') return Object.keys(tags);
    if (name.startsWith('tag:')) return name.slice(4) in tags ? [tags[name.slice(4)]!] : [];
    return undefined;
  }

  /** EC2 filters: every filter must match, any of its values; `*` is a wildcard. Patterns are compiled once per call. */
  private matcher(filters: Filter[] | undefined): (field: (name: string) => string[] | undefined) => boolean {
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

  private flowLogsOf(resourceId: string): FlowLogState[] {
    return [...(this.flowLogsByResource.get(resourceId) ?? [])].map((id) => this.flowLogs.get(id)!);
  }

  private addFlowLog(f: FlowLogState): void {
    this.flowLogs.set(f.id, f);
    const ids = this.flowLogsByResource.get(f.resourceId) ?? new Set<string>();
    this.flowLogsByResource.set(f.resourceId, ids.add(f.id));
  }

  private removeFlowLog(id: string): boolean {
    const f = this.flowLogs.get(id);
    if (!f) return false;
    this.flowLogs.delete(id);
    this.flowLogsByResource.get(f.resourceId)?.delete(id);
    return true;
  }

  private page<T>(all: T[], i: Input): { page: T[]; next?: string } {
    const start = i.NextToken ? Number(Buffer.from(String(i.NextToken), 'base64').toString()) : 0;
    const size = Math.min(Number(i.MaxResults ?? Number.MAX_SAFE_INTEGER), this.opts.pageSize);
    const page = all.slice(start, start + size);
    return start + size < all.length ? { page, next: Buffer.from(String(start + size)).toString('base64') } : { page };
  }
}
