import { type Filter, type Vpc } from '@aws-sdk/client-ec2';
import { matchesOwner, notModelled, toTagList, type FakeService, type OwnedResource, type OwnerMatch } from './service';
import { Ec2FlowLogs } from './ec2-flow-logs';
import { type Input, type VpcState } from './ec2-state';

export { DEFAULT_FLOW_LOG_FORMAT, MAX_FLOW_LOG_RESOURCES, type Ec2FakeOptions } from './ec2-state';

/**
 * EC2, the part the pipeline uses: VPCs and VPC flow logs. Listings page at a small page size so callers
 * must follow NextToken; CreateFlowLogs reports per-VPC failures in Unsuccessful[] (FlowLogAlreadyExists,
 * InvalidVpcID.NotFound) and marks delivery FAILED when the role cannot be used.
 */
export class Ec2Fake extends Ec2FlowLogs implements FakeService {
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
}
