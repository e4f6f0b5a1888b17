import type { PipelineNames } from '../../config/names';
import type { PipelineConfig } from '../../config/pipeline-config';
import type { DecodedRecord } from './decode';

/** One source the stream carries: whether the stack enables it here, and how its records are recognised. */
export interface StreamSource {
  name: string;
  expected: boolean;
  matches(record: DecodedRecord): boolean;
}

/** Counts of one source over the read window; `samples` only when asked for (--sample). */
export interface SourceTally {
  source: string;
  expected: boolean;
  records: number;
  events: number;
  /** Newest event time (ISO), or undefined when silent. */
  newest?: string;
  samples?: string[];
}

/**
 * The sources of this pipeline, recognised by the delivery's log group (our deterministic names, or the reused
 * trail group) or the event's `source`. CloudTrail is expected only in the region whose stack runs the trail.
 */
export function streamSources(config: PipelineConfig, names: PipelineNames, region: string, trailHome?: string): StreamSource[] {
  const home = trailHome ?? config.cloudTrail.homeRegion ?? region;
  const trailGroups = new Set([names.cloudTrailLogGroup, ...(config.cloudTrail.existingLogGroup ? [config.cloudTrail.existingLogGroup] : [])]);
  const logs = (groups: Set<string>) => (r: DecodedRecord) => r.kind === 'logs' && groups.has(r.logGroup);
  const event = (source: string) => (r: DecodedRecord) => r.kind === 'event' && r.source === source;
  return [
    {
      name: 'CloudTrail',
      expected: config.cloudTrail.enabled && (home === region || config.cloudTrail.existingLogGroup !== undefined),
      matches: logs(trailGroups),
    },
    { name: 'VPC flow logs', expected: config.flowLogs.enabled, matches: logs(new Set([names.flowLogGroup])) },
    { name: 'GuardDuty', expected: config.guardDuty.enabled, matches: event('aws.guardduty') },
    ...config.eventSources.map((s) => ({ name: s, expected: true, matches: event(s) })),
  ];
}

/** Tallies decoded records per source; records of no known source count under `other`. */
export function tally(
  records: readonly DecodedRecord[],
  sources: readonly StreamSource[],
  sample: number,
): { sources: SourceTally[]; other: number; control: number; unreadable: number } {
  const rows = new Map<string, SourceTally>(sources.map((s) => [s.name, { source: s.name, expected: s.expected, records: 0, events: 0 }]));
  let other = 0;
  let control = 0;
  let unreadable = 0;
  for (const r of records) {
    if (r.kind === 'control') control++;
    else if (r.kind === 'unreadable') unreadable++;
    else {
      const s = sources.find((x) => x.matches(r));
      if (!s) {
        other++;
        continue;
      }
      const row = rows.get(s.name)!;
      row.records++;
      const items = r.kind === 'logs' ? r.events.map((e) => ({ t: e.timestamp, text: e.message })) : [{ t: r.time, text: JSON.stringify(r.event) }];
      row.events += items.length;
      for (const { t, text } of items) {
        if (t > 0 && (row.newest === undefined || t > Date.parse(row.newest))) row.newest = new Date(t).toISOString();
        if (sample > 0 && (row.samples ??= []).length < sample) row.samples.push(text);
      }
    }
  }
  return { sources: [...rows.values()], other, control, unreadable };
}
