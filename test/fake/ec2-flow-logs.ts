import { type Filter, type FlowLog } from '@aws-sdk/client-ec2';
import { toTagList } from './service';
import { DEFAULT_FLOW_LOG_FORMAT, Ec2State, MAX_FLOW_LOG_RESOURCES, type FlowLogState, type Input } from './ec2-state';

/** EC2 flow-log commands: CreateFlowLogs (with per-VPC failures and delivery status), DescribeFlowLogs, DeleteFlowLogs. */
export abstract class Ec2FlowLogs extends Ec2State {
  protected createFlowLogs(i: Input): unknown {
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
        deliverStatus: deliveries[n].deliverStatus,
        ...(deliveries[n].deliverError ? { deliverError: deliveries[n].deliverError } : {}),
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
  protected deliveryStatus(
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

  protected describeFlowLogs(i: Input): unknown {
    const ids = i.FlowLogIds as string[] | undefined;
    const matches = this.matcher(i.Filter as Filter[] | undefined);
    const candidates = ids && ids.length > 0 ? [...new Set(ids)].flatMap((id) => this.flowLogs.get(id) ?? []) : [...this.flowLogs.values()];
    const all = candidates.filter((f) => matches((name) => this.flowLogField(f, name)));
    const { page, next } = this.page(all, i);
    return { FlowLogs: page.map((f) => this.flowLogView(f)), ...(next ? { NextToken: next } : {}) };
  }

  protected flowLogField(f: FlowLogState, name: string): string[] | undefined {
    const fields: Record<string, string | undefined> = {
      'resource-id': f.resourceId,
      'log-group-name': f.logGroupName,
      'flow-log-id': f.id,
      'deliver-log-status': f.deliverStatus,
      'log-destination-type': f.destinationType,
      'traffic-type': f.trafficType,
    };
    if (name in fields) return fields[name] === undefined ? [] : [fields[name]];
    return this.tagField(f.tags, name);
  }

  protected flowLogView(f: FlowLogState): FlowLog {
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

  protected deleteFlowLogs(i: Input): unknown {
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
}
