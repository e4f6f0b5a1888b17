import { decodeRecord as decodeStreamRecord, type StreamRecord } from '../../sources/records';

/** One stream record, decoded: a CloudWatch Logs delivery, an EventBridge event (each with the registry's `record`), or unreadable. */
export type DecodedRecord =
  | { kind: 'logs'; logGroup: string; events: { timestamp: number; message: string }[]; record: StreamRecord }
  | { kind: 'control' }
  | { kind: 'event'; source: string; detailType: string; time: number; event: Record<string, unknown>; record: StreamRecord }
  | { kind: 'unreadable'; why: string };

/**
 * The registry's decoder (src/sources/records.ts) in the shape verify counts: CONTROL_MESSAGE apart, event
 * times as epoch ms, and anything it cannot decode (not gzip JSON, not JSON, neither shape) as unreadable,
 * never an exception.
 */
export function decodeRecord(data: Uint8Array): DecodedRecord {
  let record: StreamRecord;
  try {
    record = decodeStreamRecord(data);
  } catch (err) {
    return { kind: 'unreadable', why: err instanceof Error ? err.message : String(err) };
  }
  if (record.kind === 'logs') {
    if (record.messageType === 'CONTROL_MESSAGE') return { kind: 'control' };
    const events = record.logEvents.map((e) => ({
      timestamp: Number(e.timestamp ?? 0),
      message: typeof e.message === 'string' ? e.message : JSON.stringify(e.message ?? ''),
    }));
    return { kind: 'logs', logGroup: record.logGroup, events, record };
  }
  const time = record.time === undefined ? NaN : Date.parse(record.time);
  return { kind: 'event', source: record.source, detailType: record.detailType, time: Number.isNaN(time) ? 0 : time, event: record.raw, record };
}
