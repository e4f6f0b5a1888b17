import type { PipelineConfig } from '../config/pipeline-config';
import { describeError } from '../support/errors';
import type { Component, ComponentId, ComponentStatus } from '../components/component';
import type { PipelineContext } from '../components/context';
import type { PipelineEngine } from '../engine/engine';
import { table } from './format';

/**
 * How one component compares with the config: `ok` is the only result that is not a finding. `excluded`: the
 * component is otherwise in order, but VPCs are kept out of flow logs by the tag siem-pipeline:exclude=true
 * (anyone allowed ec2:CreateTags can turn a VPC's flow log off that way, so each is reported).
 */
export type AuditResult = 'ok' | 'drifted' | 'missing' | 'unexpected' | 'excluded' | 'error';

/** One component of the audit: what the config expects, what inspect found, and the verdict. */
export interface AuditEntry {
  id: ComponentId;
  /** The config asks for this component (its `enabled`). */
  expected: boolean;
  /** What inspect found; `error` when inspect itself failed (the component could not be checked). */
  state: ComponentStatus['state'] | 'error';
  result: AuditResult;
  /** Why a state that looks like a finding is not one (a shared detector, no VPC to cover). */
  note?: string;
  details?: Record<string, unknown>;
  /** The inspect failure, when state is `error`. */
  error?: string;
}

export interface AuditSummary {
  ok: number;
  drifted: number;
  missing: number;
  unexpected: number;
  /** Components whose only finding is VPCs excluded by tag. */
  excluded: number;
  errors: number;
  /** Every entry whose result is not `ok`. */
  findings: number;
}

/** What `audit` reports for one deployed pipeline. */
export interface AuditReport {
  pipeline: string;
  stackId: string;
  account: string;
  region: string;
  components: AuditEntry[];
  summary: AuditSummary;
}

/**
 * Inspects every component of the engine (read-only) and compares each with what the config expects.
 * Each component is inspected on its own, so one that cannot be read (say, a missing permission) is reported
 * as an error without hiding the others.
 */
export async function auditPipeline(config: PipelineConfig, ctx: PipelineContext, engine: PipelineEngine): Promise<AuditReport> {
  const components = await Promise.all(engine.components.map((c) => auditComponent(c, config, ctx)));
  return {
    pipeline: config.name,
    stackId: ctx.stackId,
    account: ctx.account,
    region: ctx.region,
    components,
    summary: summarize(components),
  };
}

async function auditComponent(c: Component, config: PipelineConfig, ctx: PipelineContext): Promise<AuditEntry> {
  const expected = c.enabled(config, ctx);
  let status: ComponentStatus;
  try {
    status = await c.inspect(config, ctx);
  } catch (err) {
    return { id: c.id, expected, state: 'error', result: 'error', error: describeError(err) };
  }
  const classified = classify(c.id, expected, status, config);
  const { result, note } = classified.result === 'ok' && excludedVpcs(status).length > 0 ? { ...classified, result: 'excluded' as const } : classified;
  return { id: c.id, expected, state: status.state, result, ...(note ? { note } : {}), ...(status.details ? { details: status.details } : {}) };
}

/**
 * The verdict for one component. Expected and present is ok; expected and drifted or absent, or present
 * while not expected, is a finding. Two states that look like findings are not: a GuardDuty detector is
 * account-wide (adopted, or kept by GuardDutyOnDelete=Retain), and flow logs are absent by right when no
 * VPC of the region needs one.
 */
export function classify(
  id: ComponentId,
  expected: boolean,
  status: ComponentStatus,
  config: Pick<PipelineConfig, 'guardDuty'>,
): { result: AuditResult; note?: string } {
  if (!expected) {
    if (status.state === 'absent') return { result: 'ok' };
    if (id === 'guardduty-detector' && (status.details?.createdByThisStack !== true || config.guardDuty.onDelete === 'Retain')) {
      return { result: 'ok', note: 'account-wide detector, not removed by this pipeline' };
    }
    return { result: 'unexpected' };
  }
  if (status.state === 'present') return { result: 'ok' };
  if (status.state === 'drifted') return { result: 'drifted' };
  const missing = status.details?.missing;
  if (Array.isArray(missing) && missing.length === 0) return { result: 'ok', note: 'nothing to cover in this region' };
  return { result: 'missing' };
}

/** VPCs the flow-logs inspect reports as excluded by tag (its `excluded` detail). */
function excludedVpcs(status: ComponentStatus): string[] {
  const excluded = status.details?.excluded;
  return Array.isArray(excluded) ? excluded.map(String) : [];
}

function summarize(entries: readonly AuditEntry[]): AuditSummary {
  const count = (r: AuditResult) => entries.filter((e) => e.result === r).length;
  return {
    ok: count('ok'),
    drifted: count('drifted'),
    missing: count('missing'),
    unexpected: count('unexpected'),
    excluded: count('excluded'),
    errors: count('error'),
    findings: entries.filter((e) => e.result !== 'ok').length,
  };
}

/** The command's exit code for a report: 0 when there are no findings, 1 when there are. */
export function auditExitCode(report: AuditReport): 0 | 1 {
  return report.summary.findings === 0 ? 0 : 1;
}

/**
 * The report as text: a header, one table row per component (findings first in attention, details in words),
 * and a summary line; or the whole report as JSON for scripts.
 */
export function formatAudit(report: AuditReport, opts: { json?: boolean } = {}): string {
  if (opts.json) return `${JSON.stringify(report, null, 2)}\n`;
  const rows = report.components.map((e) => [e.id, e.expected ? 'yes' : 'no', e.state, e.result === 'ok' ? 'ok' : e.result.toUpperCase(), entryText(e)]);
  const s = report.summary;
  return [
    `Pipeline ${report.pipeline} in account ${report.account}, region ${report.region}`,
    `Stack ${report.stackId}`,
    '',
    ...table(['component', 'expected', 'state', 'result', 'details'], rows),
    '',
    `${report.components.length} components: ${s.ok} ok, ${s.drifted} drifted, ${s.missing} missing, ${s.unexpected} unexpected, ${s.excluded} with excluded VPCs, ${s.errors} not checked (errors)`,
    s.findings === 0 ? 'No findings.' : `${s.findings} finding${s.findings === 1 ? '' : 's'}.`,
    '',
  ].join('\n');
}

/** One line of words for an entry: the differences inspect reported, or why a state is (not) a finding. */
function entryText(e: AuditEntry): string {
  if (e.error !== undefined) return e.error;
  const parts: string[] = [];
  if (e.note) parts.push(e.note);
  if (e.result === 'unexpected') parts.push('not wanted by the config');
  parts.push(...detailTexts(e.details ?? {}));
  if (e.result === 'missing' && parts.length === 0) parts.push('not found');
  return [...new Set(parts)].join('; ');
}

function detailTexts(d: Record<string, unknown>): string[] {
  const out: string[] = [];
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  if (typeof d.conflict === 'string') out.push(d.conflict);
  for (const c of list(d.conflicts)) out.push(String(c));
  for (const diff of list(d.differences)) out.push(differenceText(diff));
  // Flow logs report per VPC.
  if (list(d.missing).length > 0) out.push(`no flow log on ${list(d.missing).join(', ')}`);
  for (const r of list(d.drifted)) {
    const { vpcId, differences } = r as { vpcId?: string; differences?: unknown };
    out.push(`${vpcId ?? 'a VPC'}: ${list(differences).map(differenceText).join(', ') || 'settings differ'}`);
  }
  if (list(d.excluded).length > 0) out.push(`VPCs excluded from flow logs by tag siem-pipeline:exclude=true: ${list(d.excluded).join(', ')}`);
  if (list(d.orphaned).length > 0) out.push(`flow logs of ours to delete (excluded, shared or gone VPC, or duplicate): ${list(d.orphaned).join(', ')}`);
  return out;
}

/** A difference as inspect gives it: a sentence, or `{setting, current, desired}` (the stream). */
function differenceText(diff: unknown): string {
  if (typeof diff === 'string') return diff;
  if (diff && typeof diff === 'object' && 'setting' in diff) {
    const { setting, current, desired } = diff as { setting: unknown; current: unknown; desired: unknown };
    return `${String(setting)} is ${String(current)}, wanted ${String(desired)}`;
  }
  return JSON.stringify(diff);
}
