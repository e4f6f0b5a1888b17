import { gunzipSync } from 'node:zlib';

/** A CloudWatch Logs delivery as a subscription filter writes it to Kinesis (after gunzip). */
export interface LogsDelivery {
  kind: 'logs';
  messageType: 'DATA_MESSAGE' | 'CONTROL_MESSAGE';
  owner?: string;
  logGroup: string;
  logStream: string;
  subscriptionFilters?: string[];
  logEvents: { id: string; timestamp: number; message: string }[];
}

/** An EventBridge event as a rule with a Kinesis target writes it (the raw event JSON). */
export interface EventDelivery {
  kind: 'event';
  source: string;
  detailType: string;
  /** The event's `time` (ISO 8601), when it has one. */
  time?: string;
  /** The whole event as delivered, for samples. */
  raw: Record<string, unknown>;
  id?: string;
  account?: string;
  region?: string;
  detail?: unknown;
}

/** One record of the stream, decoded. */
export type StreamRecord = LogsDelivery | EventDelivery;

/** Thrown for a record that is neither a CloudWatch Logs delivery nor an EventBridge event. */
export class UnknownRecordError extends Error {
  override readonly name = 'UnknownRecordError';
}

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * Decodes one Kinesis record's data: CloudWatch Logs deliveries are gzip-compressed JSON, EventBridge
 * deliveries are plain JSON. Pure: no AWS call.
 */
export function decodeRecord(data: Uint8Array): StreamRecord {
  const gzipped = data.length > 2 && data[0] === GZIP_MAGIC[0] && data[1] === GZIP_MAGIC[1];
  const text = Buffer.from(gzipped ? gunzipSync(data) : data).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UnknownRecordError(`record is not JSON${gzipped ? ' after gunzip' : ''}`, { cause: err });
  }
  return classify(json);
}

/** Classifies a parsed record by its shape. */
export function classify(json: unknown): StreamRecord {
  const o = (json ?? {}) as Record<string, unknown>;
  if ((o.messageType === 'DATA_MESSAGE' || o.messageType === 'CONTROL_MESSAGE') && typeof o.logGroup === 'string') {
    return {
      kind: 'logs',
      messageType: o.messageType,
      logGroup: o.logGroup,
      logStream: typeof o.logStream === 'string' ? o.logStream : '',
      logEvents: Array.isArray(o.logEvents) ? (o.logEvents as LogsDelivery['logEvents']) : [],
      ...(typeof o.owner === 'string' ? { owner: o.owner } : {}),
      ...(Array.isArray(o.subscriptionFilters) ? { subscriptionFilters: o.subscriptionFilters as string[] } : {}),
    };
  }
  if (typeof o.source === 'string' && typeof o['detail-type'] === 'string') {
    return {
      kind: 'event',
      source: o.source,
      detailType: o['detail-type'],
      raw: o,
      ...(typeof o.time === 'string' ? { time: o.time } : {}),
      ...(typeof o.id === 'string' ? { id: o.id } : {}),
      ...(typeof o.account === 'string' ? { account: o.account } : {}),
      ...(typeof o.region === 'string' ? { region: o.region } : {}),
      ...('detail' in o ? { detail: o.detail } : {}),
    };
  }
  throw new UnknownRecordError('record is neither a CloudWatch Logs delivery (messageType, logGroup) nor an EventBridge event (source, detail-type)');
}

/** True for a CloudWatch Logs data delivery from `logGroup` (control messages carry no log data). */
export function isDataFrom(record: StreamRecord, logGroup: string | undefined): boolean {
  return record.kind === 'logs' && record.messageType === 'DATA_MESSAGE' && logGroup !== undefined && record.logGroup === logGroup;
}
