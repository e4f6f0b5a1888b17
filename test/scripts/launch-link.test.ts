import { loadTemplate } from '../template/template-helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { launchLink, MAX_TEMPLATE_URL } = require('../../scripts/lib/launch-link.cjs') as {
  launchLink(opts: { region: string; templateUrl: string; stackName: string; parameters?: Record<string, string>; templateParameters?: unknown }): string;
  MAX_TEMPLATE_URL: number;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parseParams } = require('../../scripts/lib/params.cjs') as { parseParams(entries: string[]): Record<string, string> };

const templateUrl = 'https://my-bucket.s3.eu-west-1.amazonaws.com/siem-pipeline.template.json';
const templateParameters = loadTemplate().Parameters;
const base = { region: 'eu-west-1', templateUrl, stackName: 's', templateParameters };

describe('launchLink', () => {
  it('builds the console create-stack review link with encoded template URL, stack name and parameters', () => {
    expect(launchLink({ ...base, stackName: 'siem-pipeline', parameters: { PipelineName: 'siem', ExtraEventSources: 'aws.health,aws.securityhub' } })).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudformation/home?region=eu-west-1#/stacks/create/review' +
        '?templateURL=https%3A%2F%2Fmy-bucket.s3.eu-west-1.amazonaws.com%2Fsiem-pipeline.template.json' +
        '&stackName=siem-pipeline&param_PipelineName=siem&param_ExtraEventSources=aws.health%2Caws.securityhub',
    );
  });

  it.each([
    ['cn-north-1', 'https://cn-north-1.console.amazonaws.cn/'],
    ['us-gov-west-1', 'https://console.amazonaws-us-gov.com/'],
  ])('uses the console host of the %s partition', (region, host) => {
    expect(launchLink({ ...base, region })).toMatch(new RegExp(`^${host.replace(/\./g, '\\.')}cloudformation/home\\?region=${region}#`));
  });

  it('accepts a template URL of exactly the limit', () => {
    const url = `https://my-bucket.s3.eu-west-1.amazonaws.com/${'k'.repeat(MAX_TEMPLATE_URL - 'https://my-bucket.s3.eu-west-1.amazonaws.com/'.length)}`;
    expect(url).toHaveLength(1024);
    expect(launchLink({ ...base, templateUrl: url })).toContain('templateURL=https%3A%2F%2Fmy-bucket');
  });

  it.each([
    [{ region: 'Europe' }, "region 'Europe' is not a region name"],
    [{ stackName: '1bad' }, "stackName '1bad' must start with a letter"],
    [{ templateUrl: 'http://my-bucket.s3.amazonaws.com/t.json' }, 'must be an https Amazon S3 URL'],
    [{ templateUrl: 'https://example.com/t.json' }, 'must be an https Amazon S3 URL'],
    [{ templateUrl: `${templateUrl}?${'x'.repeat(1000)}` }, /templateUrl is 10\d\d characters; CloudFormation accepts at most 1024/],
    [{ templateParameters: undefined }, 'templateParameters (the Parameters section of the template) is required'],
    [{ parameters: { SiemExternalId: 'shh-secret' } }, "parameter 'SiemExternalId' is NoEcho: enter it in the console, never in a link"],
    [{ parameters: { PipelineNmae: 'siem' } }, "unknown parameter 'PipelineNmae'; the template's parameters are: PipelineName, StreamMode, "],
    [{ parameters: { 'Bad-Name': 'x' } }, "unknown parameter 'Bad-Name'"],
    [{ parameters: { StreamMode: 'FAST' } }, "parameter 'StreamMode' must be one of PROVISIONED, ON_DEMAND, got 'FAST'"],
    [{ parameters: { PipelineName: 'Bad_Name' } }, "parameter 'PipelineName' does not match"],
  ])('rejects bad input %#', (overrides, message) => {
    expect(() => launchLink({ ...base, ...overrides })).toThrow(message);
  });

  it('names no NoEcho value in its error', () => {
    expect(() => launchLink({ ...base, parameters: { SiemExternalId: 'shh-secret' } })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('shh-secret') }),
    );
  });
});

describe('parseParams', () => {
  it('splits at the first =', () => {
    expect(parseParams(['A=1', 'B=x=y', 'C='])).toEqual({ A: '1', B: 'x=y', C: '' });
  });

  it.each([
    [['=1'], '--param takes Name=value, got =1'],
    [['A'], '--param takes Name=value, got A'],
    [['A=1', 'A=2'], '--param A is given twice'],
  ])('rejects %j', (entries, message) => {
    expect(() => parseParams(entries)).toThrow(message);
  });
});
