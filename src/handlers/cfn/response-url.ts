/**
 * The DNS suffix of each AWS partition: CloudFormation's pre-signed response URLs are S3 URLs under it.
 * https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html
 */
export const PARTITION_DNS_SUFFIX: Readonly<Record<string, string>> = {
  aws: 'amazonaws.com',
  'aws-cn': 'amazonaws.com.cn',
  'aws-us-gov': 'amazonaws.com',
  'aws-iso': 'c2s.ic.gov',
  'aws-iso-b': 'sc2s.sgov.gov',
  'aws-iso-e': 'cloud.adc-e.uk',
  'aws-iso-f': 'csp.hci.ic.gov',
};

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Why a ResponseURL must not be PUT to, or undefined when it may: `https` to a host under the partition's
 * AWS DNS suffix; a loopback host (http or https) only when `allowLoopback` (an emulator endpoint is set).
 * The reason never contains the URL: it is a credential.
 */
export function responseUrlProblem(url: string, partition: string, allowLoopback: boolean): string | undefined {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return 'the ResponseURL is not a URL';
  }
  const host = target.hostname.toLowerCase();
  if (allowLoopback && LOOPBACK.has(host) && (target.protocol === 'http:' || target.protocol === 'https:')) return undefined;
  if (target.protocol !== 'https:') return `the ResponseURL uses ${target.protocol.replace(/:$/, '')}, not https`;
  if (target.username || target.password) return 'the ResponseURL carries user credentials';
  const suffix = PARTITION_DNS_SUFFIX[partition];
  if (!suffix) return `no AWS DNS suffix is known for partition ${partition}`;
  if (!host.endsWith(`.${suffix}`)) return `the ResponseURL's host is not under ${suffix} (partition ${partition})`;
  return undefined;
}
