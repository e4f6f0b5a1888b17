import { DEFAULT_FLOW_LOG_FIELDS, flowLogFilterPattern } from '../../../../src/sources/flow-logs/flow-log-pattern';

const DEFAULT_PATTERN =
  '[version, account_id, interface_id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action, log_status="OK"]';

describe('flowLogFilterPattern', () => {
  it.each([
    ['the AWS default format', undefined, true, { pattern: DEFAULT_PATTERN }],
    ['the default format written out', DEFAULT_FLOW_LOG_FIELDS.map((f) => `\${${f}}`).join(' '), true, { pattern: DEFAULT_PATTERN }],
    ['dropping turned off', undefined, false, { pattern: '' }],
    ['dropping turned off with a custom format', '${vpc-id} ${log-status}', false, { pattern: '' }],
    [
      'a custom format with log-status in the middle',
      '${vpc-id} ${srcaddr} ${log-status} ${pkt-dst-aws-service}',
      true,
      { pattern: '[vpc_id, srcaddr, log_status="OK", pkt_dst_aws_service]' },
    ],
    ['a custom format with log-status first', '${log-status} ${tcp-flags}', true, { pattern: '[log_status="OK", tcp_flags]' }],
    ['a custom format of log-status alone', '${log-status}', true, { pattern: '[log_status="OK"]' }],
    ['extra spaces in the format', '  ${srcaddr}   ${log-status} ', true, { pattern: '[srcaddr, log_status="OK"]' }],
    ['a field named twice', '${srcaddr} ${srcaddr} ${log-status}', true, { pattern: '[srcaddr, srcaddr_2, log_status="OK"]' }],
  ])('%s', (_case, format, dropNoData, expected) => {
    expect(flowLogFilterPattern(format, dropNoData)).toEqual(expected);
  });

  it('keeps every record, with a warning, when a custom format has no log-status field', () => {
    expect(flowLogFilterPattern('${srcaddr} ${dstaddr} ${action}', true)).toEqual({
      pattern: '',
      warning: 'the flow-log format has no ${log-status} field: NODATA and SKIPDATA records cannot be dropped, every record is forwarded',
    });
  });

  it('has the 14 fields of the version 2 default format, log-status last', () => {
    expect(DEFAULT_FLOW_LOG_FIELDS).toHaveLength(14);
    expect(DEFAULT_FLOW_LOG_FIELDS[13]).toBe('log-status');
  });

  it('rejects a format token that is not ${name}', () => {
    expect(() => flowLogFilterPattern('${srcaddr} dstaddr ${log-status}', true)).toThrow("flow-log format field 'dstaddr' is not of the form ${name}");
  });
});
