import { gzipSync } from 'node:zlib';

/** One log event of a CloudWatch Logs delivery. */
export interface DeliveredLogEvent {
  timestamp: number;
  message: string;
}

/**
 * A record as a CloudWatch Logs subscription filter writes it to Kinesis: gzip-compressed JSON with
 * messageType, owner, logGroup, logStream, subscriptionFilters and logEvents (the shape the fake's own
 * deliveries have, test/fake/logs.ts; documented on the CloudWatch Logs subscriptions page).
 */
export function cwlDelivery(
  logGroup: string,
  events: readonly DeliveredLogEvent[],
  /** DATA_MESSAGE or CONTROL_MESSAGE; tests of malformed records pass other text. */
  messageType = 'DATA_MESSAGE',
): Buffer {
  return gzipSync(
    JSON.stringify({
      messageType,
      owner: '123456789012',
      logGroup,
      logStream: 's',
      subscriptionFilters: ['f'],
      logEvents: events.map((e, i) => ({ id: String(i), ...e })),
    }),
  );
}
