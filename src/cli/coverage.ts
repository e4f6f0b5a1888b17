import { DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeFlowLogsCommand } from '@aws-sdk/client-ec2';
import type { PipelineNames } from '../config/names';
import type { PipelineConfig } from '../config/pipeline-config';
import type { PipelineContext } from '../components/context';
import type { AuditEntry, AuditReport } from './audit';

/** Coverage of one source in one region: how many of the things it should watch are delivered to the stream. */
export interface SourceCoverage {
  source: string;
  covered: number;
  total: number;
  note?: string;
}

/** A finding with the command that fixes it. */
export interface Finding {
  component: string;
  problem: string;
  fix: string;
}

/** The stack name in a stack ARN (`.../stack/<name>/<id>`). */
export function stackNameOf(stackId: string): string {
  return /:stack\/([^/]+)\//.exec(stackId)?.[1] ?? stackId;
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const ok = (e: AuditEntry | undefined) => e === undefined || e.result === 'ok';

/** Per source, covered / total, from the audit's entries (CloudTrail, VPC flow logs, GuardDuty, each extra source). */
export function sourceCoverage(report: AuditReport, config: PipelineConfig, names: PipelineNames, trailHome?: string): SourceCoverage[] {
  const entry = (id: string) => report.components.find((e) => e.id === id);
  const out: SourceCoverage[] = [];
  if (config.cloudTrail.enabled) {
    const good = ok(entry('trail')) && ok(entry('trail-log-group'));
    // The multi-region trail of another home region delivers there: nothing to cover in this region.
    out.push(
      trailHome
        ? { source: 'CloudTrail', covered: 0, total: 0, note: `trail managed from ${trailHome}` }
        : { source: 'CloudTrail', covered: good ? 1 : 0, total: 1 },
    );
  }
  if (config.flowLogs.enabled) {
    const d = entry('flow-logs')?.details ?? {};
    const covered = list(d.covered).length;
    const total = covered + list(d.missing).length + list(d.drifted).length + list(d.excluded).length;
    out.push({
      source: 'VPC flow logs',
      covered: ok(entry('flow-log-group')) ? covered : 0,
      total,
      ...(list(d.excluded).length ? { note: `${list(d.excluded).length} excluded by tag` } : {}),
    });
  }
  if (config.guardDuty.enabled) out.push({ source: 'GuardDuty', covered: ok(entry('guardduty-detector')) && ok(entry('guardduty-rule')) ? 1 : 0, total: 1 });
  const rules = (entry('event-sources')?.details?.rules ?? {}) as Record<string, string>;
  for (const source of config.eventSources) {
    const state = rules[names.sourceRule(source)];
    out.push({ source, covered: state === 'present' || (state === undefined && ok(entry('event-sources'))) ? 1 : 0, total: 1 });
  }
  return out;
}

/** Each finding of the audit in words, with the command that fixes it. */
export function findingsOf(report: AuditReport, stackName: string, regionFlag: string): Finding[] {
  const repair = `aws-siem-pipeline repair --stack ${stackName}${regionFlag}`;
  return report.components.flatMap((e): Finding[] => {
    switch (e.result) {
      case 'ok':
        return [];
      case 'excluded':
        return list(e.details?.excluded).map((vpc) => ({
          component: e.id,
          problem: `${String(vpc)} is excluded from flow logs by tag siem-pipeline:exclude=true`,
          fix: `aws ec2 delete-tags --resources ${String(vpc)} --tags Key=siem-pipeline:exclude${regionFlag} (if the exclusion is not intended), then ${repair}`,
        }));
      case 'error':
        return [
          { component: e.id, problem: `could not be checked: ${e.error ?? ''}`, fix: 'grant the read permission named in the error, then run the audit again' },
        ];
      case 'unexpected':
        return [{ component: e.id, problem: "present but not wanted by the stack's properties", fix: repair }];
      default:
        return [{ component: e.id, problem: `${e.result}${problemText(e)}`, fix: repair }];
    }
  });
}

function problemText(e: AuditEntry): string {
  const d = e.details ?? {};
  const parts = [...list(d.differences).map((x) => (typeof x === 'string' ? x : JSON.stringify(x)))];
  if (list(d.missing).length > 0) parts.push(`no flow log on ${list(d.missing).join(', ')}`);
  return parts.length > 0 ? `: ${parts.join('; ')}` : '';
}

/** Our flow logs whose delivery to the log group failed (DeliverLogsStatus FAILED), with the error EC2 reports. */
export async function failedFlowLogs(config: PipelineConfig, ctx: PipelineContext): Promise<Finding[]> {
  if (!config.flowLogs.enabled) return [];
  const failed: Finding[] = [];
  let NextToken: string | undefined;
  do {
    const out = await ctx.clients.ec2.send(
      new DescribeFlowLogsCommand({ Filter: [{ Name: 'log-group-name', Values: [ctx.names.flowLogGroup] }], ...(NextToken ? { NextToken } : {}) }),
    );
    for (const fl of out.FlowLogs ?? []) {
      if (fl.DeliverLogsStatus !== 'FAILED') continue;
      failed.push({
        component: 'flow-logs',
        problem: `flow log ${fl.FlowLogId ?? '?'} of ${fl.ResourceId ?? '?'} fails to deliver: ${fl.DeliverLogsErrorMessage ?? 'no reason given'}`,
        fix: `check the role ${ctx.names.flowLogsRole} and the log group ${ctx.names.flowLogGroup}, then aws-siem-pipeline repair --stack ${stackNameOf(ctx.stackId)}`,
      });
    }
    NextToken = out.NextToken;
  } while (NextToken);
  return failed;
}

/**
 * With ExistingTrailLogGroup, the reused group is only worth subscribing while a trail logs into it: a finding
 * when no trail delivers there, or none of those that do is logging. The trail is someone else's: the fix is theirs.
 */
export async function reusedTrailFeed(config: PipelineConfig, ctx: PipelineContext): Promise<Finding[]> {
  const group = config.cloudTrail.existingLogGroup;
  if (!config.cloudTrail.enabled || group === undefined) return [];
  const arn = ctx.names.logGroupArn(group);
  const out = await ctx.clients.cloudtrail.send(new DescribeTrailsCommand({ includeShadowTrails: true }));
  const feeding = (out.trailList ?? []).filter((t) => t.CloudWatchLogsLogGroupArn !== undefined && [arn, `${arn}:*`].includes(t.CloudWatchLogsLogGroupArn));
  if (feeding.length === 0) {
    return [
      {
        component: 'trail-log-group',
        problem: `no trail delivers into the reused group ${group}`,
        fix: `point a multi-region trail at it (aws cloudtrail update-trail --cloud-watch-logs-log-group-arn ${arn}:* ...), or clear ExistingTrailLogGroup`,
      },
    ];
  }
  for (const t of feeding) {
    const status = await ctx.clients.cloudtrail.send(new GetTrailStatusCommand({ Name: t.TrailARN }));
    if (status.IsLogging === true) return [];
  }
  const names = feeding.map((t) => t.Name ?? t.TrailARN ?? '?');
  return [
    {
      component: 'trail-log-group',
      problem: `the trail delivering into ${group} (${names.join(', ')}) is not logging`,
      fix: `aws cloudtrail start-logging --name ${feeding[0].TrailARN ?? names[0]} (the trail is not the pipeline's)`,
    },
  ];
}
