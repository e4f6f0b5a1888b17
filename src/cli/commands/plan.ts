import { DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import type { PipelineConfig } from '../../config/pipeline-config';
import type { PipelineContext } from '../../components/context';
import type { PipelineEngine } from '../../engine/engine';
import { planAll } from '../../engine/plan-all';
import { fromChanges, type PlannedChange } from '../component-plan';
import { table } from '../format';
import type { RegionalPipeline } from '../pipeline-context';
import type { Session } from '../session';

/** What a Create (new stack) or Update (existing stack) would do in one region. */
export interface PlanReport {
  pipeline: string;
  region: string;
  account: string;
  /** Create for a stack that does not exist yet, Update for --stack. */
  request: 'Create' | 'Update';
  changes: PlannedChange[];
  /** VPCs that would get a flow log. */
  vpcs: string[];
  /** Running costs that the change adds or changes, in words. */
  costs: string[];
}

/** Plans every component (reads only) and the costs that change. */
export async function planRegion(session: Session, p: RegionalPipeline, request: PlanReport['request']): Promise<PlanReport> {
  session.progress.working(`planning ${p.ctx.region}`);
  const changes = (await planAll(session.engine, p.config, p.ctx)).map((plan) => fromChanges(plan.id, plan.changes, request));
  for (const c of changes) session.progress.done(`planned ${c.component}: ${c.action}`);
  return {
    pipeline: p.config.name,
    region: p.ctx.region,
    account: p.ctx.account,
    request,
    changes,
    vpcs: changes.flatMap((c) => (c.component === 'flow-logs' ? (c.vpcs ?? []) : [])),
    costs: await costChanges(changes, p.config, p.ctx, session.engine),
  };
}

/** Stream shards and a second trail: the two costs a Create/Update changes. */
async function costChanges(changes: readonly PlannedChange[], config: PipelineConfig, ctx: PipelineContext, engine: PipelineEngine): Promise<string[]> {
  const costs: string[] = [];
  const action = (id: string) => changes.find((c) => c.component === id)?.action ?? 'none';
  const stream = changes.find((c) => c.component === 'stream');
  const perMonth =
    config.stream.mode === 'ON_DEMAND'
      ? 'ON_DEMAND stream: about $29/month plus per-GB charges'
      : `PROVISIONED stream: ${config.stream.shardCount} shard(s), about $${11 * config.stream.shardCount}/month`;
  if (action('stream') === 'create') costs.push(`new ${perMonth}`);
  else if (stream?.action === 'change' && stream.fields.some((f) => /shard|mode/i.test(f)))
    costs.push(`stream capacity changes (${stream.fields.join('; ')}): ${perMonth}`);
  if (action('trail') === 'create' && engine.ids.includes('trail')) {
    const out = await ctx.clients.cloudtrail.send(new DescribeTrailsCommand({ includeShadowTrails: true }));
    const others = (out.trailList ?? []).filter((t) => t.Name !== ctx.names.trailName && t.IsMultiRegionTrail === true);
    costs.push(
      others.length > 0
        ? `a second multi-region trail (already logging: ${others.map((t) => t.Name).join(', ')}): $2 per 100,000 management events; set ExistingTrailLogGroup to reuse one`
        : 'a multi-region trail: the first copy of management events is free (S3 and CloudWatch Logs storage are billed)',
    );
  }
  return costs;
}

/** The plan as a table of components with an action, then VPCs and costs; or JSON. */
export function formatPlan(report: PlanReport, json: boolean): string {
  if (json) return `${JSON.stringify(report, null, 2)}\n`;
  const rows = report.changes
    .filter((c) => c.action !== 'none')
    .map((c) => [c.component, c.action, [...c.fields, ...(c.vpcs?.length ? [`flow logs for ${c.vpcs.join(', ')}`] : [])].join('; ')]);
  return [
    `Plan (${report.request}) for pipeline ${report.pipeline} in account ${report.account}, region ${report.region}`,
    '',
    ...(rows.length > 0 ? table(['component', 'action', 'fields'], rows) : ['No changes: every component is as the properties ask.']),
    '',
    `VPCs that would get a flow log: ${report.vpcs.length > 0 ? report.vpcs.join(', ') : 'none'}`,
    ...(report.costs.length > 0 ? ['Costs:', ...report.costs.map((c) => `  - ${c}`)] : ['Costs: no change']),
    '',
  ].join('\n');
}

/** True when the plan changes anything (the exit code of `plan` is then 1: there is something to apply). */
export function planHasChanges(report: PlanReport): boolean {
  return report.changes.some((c) => c.action !== 'none');
}
