import type { RecordStream } from '../../sources/types';
import type { DecodedRecord } from './decode';

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
 * Tallies decoded records per stream of the registry's sources (`recordStreamsOf`: a source added to the registry
 * is counted with no edit here); records of no known source count under `other`.
 */
export function tally(
  records: readonly DecodedRecord[],
  sources: readonly RecordStream[],
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
      const s = sources.find((x) => x.matches(r.record));
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
