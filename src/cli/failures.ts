import { PipelineStepError } from '../support/errors';

const ACCESS_DENIED =
  /AccessDenied|UnauthorizedOperation|NotAuthorized|AuthorizationError|InvalidClientTokenId|UnrecognizedClient|ExpiredToken|SignatureDoesNotMatch/;
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'TimeoutError']);

/** IAM prefixes of the SDK's client names (without `Client`) where they differ from the lower-cased name. */
const IAM_PREFIX: Record<string, string> = { cloudwatchlogs: 'logs', eventbridge: 'events' };

/**
 * Why a thrown error means the command could not run, in words naming the call and the permission it needs;
 * undefined for any other error. `call` is `Service:Operation` when known (the SDK error's metadata).
 */
export function couldNotRun(err: unknown, call?: string): string | undefined {
  const root = err instanceof PipelineStepError && err.cause !== undefined ? err.cause : err;
  const e = root as { name?: string; code?: string; message?: string; $metadata?: unknown; Code?: string } | undefined;
  if (!e || typeof e !== 'object') return undefined;
  if (e.name === 'CredentialsProviderError' || /Could not load credentials/.test(e.message ?? '')) {
    return 'no AWS credentials found (environment, --profile or AWS_PROFILE, SSO, instance role): configure credentials and run again';
  }
  if (e.name === 'TokenProviderError' || /SSO session .*expired|Token is expired/.test(e.message ?? ''))
    return `the credentials could not be refreshed: ${e.message ?? ''}`;
  // The SDK wraps socket errors ("AWS SDK error wrapper for Error: connect ECONNREFUSED ...").
  const network = [e.code, e.name, (e as { cause?: { code?: string } }).cause?.code, /\b(E[A-Z_]+)\b/.exec(e.message ?? '')?.[1]].find(
    (c) => c !== undefined && UNREACHABLE.has(c),
  );
  if (network !== undefined) return `the endpoint could not be reached (${network}): check --region, the network or AWS_ENDPOINT_URL`;
  if (ACCESS_DENIED.test(e.name ?? '') || ACCESS_DENIED.test(e.Code ?? '')) {
    const where = err instanceof PipelineStepError ? ` (${err.operation} ${err.component})` : '';
    const permission = call ? ` needs ${permissionOf(call)}` : '';
    return `access denied${where}: ${call ?? 'a call'}${permission}: ${e.message ?? e.name ?? ''}`;
  }
  return undefined;
}

/** `CloudFormation:DescribeStacks` -> `cloudformation:DescribeStacks`; `CloudWatchLogs:X` -> `logs:X`. */
export function permissionOf(call: string): string {
  const [service = '', operation = ''] = call.split(':');
  const key = service.toLowerCase();
  return `${IAM_PREFIX[key] ?? key}:${operation}`;
}
