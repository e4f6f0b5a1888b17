import { responseUrlProblem } from '../../../../src/handlers/cfn/response-url';
import { RESPONSE_URL } from './events';

describe('responseUrlProblem', () => {
  it.each([
    ['CloudFormation pre-signed S3 URL', RESPONSE_URL, 'aws', false, undefined],
    ['China partition host', 'https://cloudformation-custom-resource-response-cnnorth1.s3.cn-north-1.amazonaws.com.cn/x', 'aws-cn', false, undefined],
    ['GovCloud host', 'https://cloudformation-custom-resource-response-usgovwest1.s3.us-gov-west-1.amazonaws.com/x', 'aws-us-gov', false, undefined],
    ['http to an AWS host', 'http://bucket.s3.amazonaws.com/x', 'aws', false, 'the ResponseURL uses http, not https'],
    ['a host outside AWS', 'https://attacker.example/x', 'aws', false, "the ResponseURL's host is not under amazonaws.com (partition aws)"],
    ['a suffix trick', 'https://s3.amazonaws.com.attacker.example/x', 'aws', false, "the ResponseURL's host is not under amazonaws.com (partition aws)"],
    ['a look-alike domain', 'https://evilamazonaws.com/x', 'aws', false, "the ResponseURL's host is not under amazonaws.com (partition aws)"],
    [
      'the commercial suffix in China',
      'https://bucket.s3.amazonaws.com/x',
      'aws-cn',
      false,
      "the ResponseURL's host is not under amazonaws.com.cn (partition aws-cn)",
    ],
    ['user credentials in the URL', 'https://user:pw@bucket.s3.amazonaws.com/x', 'aws', false, 'the ResponseURL carries user credentials'],
    ['not a URL', 'not a url', 'aws', false, 'the ResponseURL is not a URL'],
    ['loopback without an emulator endpoint', 'http://127.0.0.1:4569/x', 'aws', false, 'the ResponseURL uses http, not https'],
    ['loopback https without an emulator endpoint', 'https://localhost/x', 'aws', false, "the ResponseURL's host is not under amazonaws.com (partition aws)"],
    ['loopback with an emulator endpoint', 'http://127.0.0.1:4569/x', 'aws', true, undefined],
    ['localhost with an emulator endpoint', 'http://localhost:4569/x', 'aws', true, undefined],
    ['a LAN host with an emulator endpoint', 'http://10.0.0.5:4569/x', 'aws', true, 'the ResponseURL uses http, not https'],
    ['file: with an emulator endpoint', 'file:///etc/passwd', 'aws', true, 'the ResponseURL uses file, not https'],
  ])('%s', (_what, url, partition, allowLoopback, problem) => {
    expect(responseUrlProblem(url, partition, allowLoopback)).toBe(problem);
  });

  it('never names the URL in its reason', () => {
    const url = 'https://attacker.example/path?X-Amz-Signature=abc123secret';
    expect(responseUrlProblem(url, 'aws', false)).not.toMatch(/attacker|abc123secret/);
  });
});
