import type { FilterPattern } from '../../components/logs/log-group';

/**
 * The subscription filter pattern of the flow-log group: keep only records whose log-status is OK.
 *
 * NODATA (no traffic in the interval) and SKIPDATA (records skipped) records carry no flows, yet the SIEM
 * would bill their ingestion. Pure, so every format case is tested with plain data.
 */

/** The AWS default (version 2) flow-log format: the 14 fields in their order. */
export const DEFAULT_FLOW_LOG_FIELDS = [
  'version',
  'account-id',
  'interface-id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'action',
  'log-status',
] as const;

/** The flow-log group's filter pattern (set when records cannot be filtered as asked: the log group logs it). */
export type FlowLogPattern = FilterPattern;

/**
 * A space-delimited pattern naming every field of the format in order (`[version, account_id, ...,
 * log_status="OK"]`); '' when `dropNoData` is off, or when a custom format has no log-status field.
 * `logFormat` is the custom `${field} ${field} ...` format, undefined for the AWS default.
 */
export function flowLogFilterPattern(logFormat: string | undefined, dropNoData: boolean): FlowLogPattern {
  if (!dropNoData) return { pattern: '' };
  const fields = logFormat === undefined ? [...DEFAULT_FLOW_LOG_FIELDS] : parseFields(logFormat);
  if (!fields.includes('log-status')) {
    return { pattern: '', warning: 'the flow-log format has no ${log-status} field: NODATA and SKIPDATA records cannot be dropped, every record is forwarded' };
  }
  const seen = new Map<string, number>();
  const terms = fields.map((field) => {
    // Pattern field names take letters, digits and underscores; a repeated field gets a numbered name.
    const base = field.replace(/[^A-Za-z0-9_]/g, '_');
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    const name = count === 1 ? base : `${base}_${count}`;
    return field === 'log-status' && count === 1 ? `${name}="OK"` : name;
  });
  return { pattern: `[${terms.join(', ')}]` };
}

/** The field names of a `${a} ${b} ...` format, in order. */
function parseFields(logFormat: string): string[] {
  return logFormat
    .trim()
    .split(/\s+/)
    .filter((token) => token !== '')
    .map((token) => {
      const match = /^\$\{([a-z0-9-]+)\}$/.exec(token);
      if (!match) throw new Error(`flow-log format field '${token}' is not of the form \${name}`);
      return match[1];
    });
}
