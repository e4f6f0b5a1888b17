import { gunzipSync } from 'node:zlib';

/** One stream record, decoded: a CloudWatch Logs delivery, an EventBridge event, or unreadable. */
export type DecodedRecord =
  | { kind: 'logs'; logGroup: string; events: { timestamp: number; message: string }[] }
  | { kind: 'control' }
  | { kind: 'event'; source: string; detailType: string; time: number; event: Record<string, unknown> }
  | { kind: 'unreadable'; why: string };

/**
 * CloudWatch Logs deliveries are gzip-compressed JSON (messageType DATA_MESSAGE or CONTROL_MESSAGE, logGroup,
 * logEvents[]); EventBridge deliveries are the event's JSON. Anything else is unreadable, never an exception.
 */
export function decodeRecord(data: Uint8Array): DecodedRecord {
  if (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(gunzipSync(data).toString('utf8'));
    } catch {
      return { kind: 'unreadable', why: 'gzip data that is not JSON' };
    }
    const p = (parsed ?? {}) as { messageType?: unknown; logGroup?: unknown; logEvents?: unknown };
    if (p.messageType === 'CONTROL_MESSAGE') return { kind: 'control' };
    if (p.messageType !== 'DATA_MESSAGE' || typeof p.logGroup !== 'string' || !Array.isArray(p.logEvents)) return { kind: 'unreadable', why: 'not a CloudWatch Logs delivery' };
    const events = (p.logEvents as { timestamp?: unknown; message?: unknown }[]).map((e) => ({ timestamp: Number(e.timestamp ?? 0), message: typeof e.message === 'string' ? e.message : JSON.stringify(e.message ?? '') }));
    return { kind: 'logs', logGroup: p.logGroup, events };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(data).toString('utf8'));
  } catch {
    return { kind: 'unreadable', why: 'neither gzip nor JSON' };
  }
  const e = (parsed ?? {}) as Record<string, unknown>;
  if (typeof e.source !== 'string' || typeof e['detail-type'] !== 'string') return { kind: 'unreadable', why: 'JSON that is not an EventBridge event' };
  const time = typeof e.time === 'string' ? Date.parse(e.time) : NaN;
  return { kind: 'event', source: e.source, detailType: e['detail-type'], time: Number.isNaN(time) ? 0 : time, event: e };
}
