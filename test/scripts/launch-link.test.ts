// eslint-disable-next-line @typescript-eslint/no-require-imports
const { launchLink } = require('../../scripts/lib/launch-link.cjs') as {
  launchLink(opts: { region: string; templateUrl: string; stackName: string; parameters?: Record<string, string> }): string;
};

const templateUrl = 'https://my-bucket.s3.eu-west-1.amazonaws.com/siem-pipeline.template.json';

describe('launchLink', () => {
  it('builds the console create-stack review link with encoded template URL, stack name and parameters', () => {
    expect(launchLink({ region: 'eu-west-1', templateUrl, stackName: 'siem-pipeline', parameters: { PipelineName: 'siem', ExtraEventSources: 'aws.health,aws.securityhub' } })).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudformation/home?region=eu-west-1#/stacks/create/review' +
        '?templateURL=https%3A%2F%2Fmy-bucket.s3.eu-west-1.amazonaws.com%2Fsiem-pipeline.template.json' +
        '&stackName=siem-pipeline&param_PipelineName=siem&param_ExtraEventSources=aws.health%2Caws.securityhub',
    );
  });

  it.each([
    ['cn-north-1', 'https://cn-north-1.console.amazonaws.cn/'],
    ['us-gov-west-1', 'https://console.amazonaws-us-gov.com/'],
  ])('uses the console host of the %s partition', (region, host) => {
    expect(launchLink({ region, templateUrl, stackName: 's' })).toMatch(new RegExp(`^${host.replace(/\./g, '\\.')}cloudformation/home\\?region=${region}#`));
  });

  it.each([
    [{ region: 'Europe', templateUrl, stackName: 's' }, "region 'Europe' is not a region name"],
    [{ region: 'eu-west-1', templateUrl, stackName: '1bad' }, "stackName '1bad' must start with a letter"],
    [{ region: 'eu-west-1', templateUrl: 'http://my-bucket.s3.amazonaws.com/t.json', stackName: 's' }, 'must be an https Amazon S3 URL'],
    [{ region: 'eu-west-1', templateUrl: 'https://example.com/t.json', stackName: 's' }, 'must be an https Amazon S3 URL'],
    [{ region: 'eu-west-1', templateUrl, stackName: 's', parameters: { 'Bad-Name': 'x' } }, "parameter name 'Bad-Name' must be alphanumeric"],
  ])('rejects bad input %#', (opts, message) => {
    expect(() => launchLink(opts)).toThrow(message);
  });
});
