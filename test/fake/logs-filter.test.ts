import { compileFilterPattern } from './logs-filter';

const FLOW = '2 123456789012 eni-1 10.0.0.1 10.0.0.2 443 50000 6 10 840 1700000000 1700000060 ACCEPT OK';
const NODATA = '2 123456789012 eni-1 - - - - - - - 1700000000 1700000060 - NODATA';
const FIELDS = 'version, account, eni, src, dst, srcport, dstport, protocol, packets, bytes, start, end, action';

describe('fake CloudWatch Logs filter patterns', () => {
  it.each([
    ['', FLOW, true],
    ['ACCEPT', FLOW, true],
    ['"ACCEPT OK"', FLOW, true],
    ['REJECT', FLOW, false],
    ['-"NODATA" -"SKIPDATA"', FLOW, true],
    ['-"NODATA" -"SKIPDATA"', NODATA, false],
    ['?REJECT ?ACCEPT', FLOW, true],
    [`[${FIELDS}, status != "NODATA" && status != "SKIPDATA"]`, FLOW, true],
    [`[${FIELDS}, status != "NODATA" && status != "SKIPDATA"]`, NODATA, false],
    ['[..., action = "REJECT", status]', FLOW, false],
    ['[version, account, ..., bytes > 500, start, end, action, status]', FLOW, true],
    ['[version, account, ..., bytes > 5000, start, end, action, status]', FLOW, false],
    ['[version, account, eni = eni-*, ...]', FLOW, true],
  ])('%j on %j matches: %s', (pattern, message, expected) => {
    expect(compileFilterPattern(pattern)(message)).toBe(expected);
  });

  it.each([['[a, b'], ['[a, b ~ 1]'], ['{ $.x = 1 }']])('rejects %j', (pattern) => {
    expect(() => compileFilterPattern(pattern)).toThrow();
  });
});
