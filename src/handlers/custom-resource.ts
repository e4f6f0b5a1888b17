import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { stackIdentity } from '../engine/stack-identity';
import { STACK_ID_ENV } from './cfn/request-guard';
import { responseUrlProblem } from './cfn/response-url';
import { safeHandler, type SafeHandlerOptions } from './cfn/safe-handler';
import { createLogger, parseLogLevel } from '../support/log';
import { createPhysicalId, handleRequest } from './cfn/lifecycle';
import { createLifecycleDeps, type RuntimeOptions } from './cfn/lifecycle-deps';

export type CustomResourceHandlerOptions = RuntimeOptions & Partial<Omit<SafeHandlerOptions, 'fallbackPhysicalId' | 'responseUrlProblem'>>;

/** Builds the custom resource handler with injected dependencies (tests) or the Lambda environment (handler). */
export function createCustomResourceHandler(opts: CustomResourceHandlerOptions) {
  const log = opts.log ?? createLogger({ level: parseLogLevel(opts.env.LOG_LEVEL) });
  const deps = createLifecycleDeps(opts);
  return safeHandler((event, requestLog, signal) => handleRequest(event, deps, requestLog, signal), {
    ...opts,
    log,
    fallbackPhysicalId: createPhysicalId,
    responseUrlProblem: (event) => responseUrlProblem(event.ResponseURL, partitionFor(opts.env, event), Boolean(opts.env.AWS_ENDPOINT_URL)),
  });
}

/** The partition of the function's own stack; of the event's stack only when that is unknown (then every request is refused anyway). */
function partitionFor(env: CustomResourceHandlerOptions['env'], event: CloudFormationCustomResourceEvent): string {
  for (const stackId of [env[STACK_ID_ENV], event.StackId]) {
    try {
      if (stackId) return stackIdentity({ StackId: stackId }).partition;
    } catch {
      // not a stack ARN: try the next
    }
  }
  return 'aws';
}

/** Lambda entry point of the custom resource. */
export async function handler(event: CloudFormationCustomResourceEvent, context: Context): Promise<void> {
  await createCustomResourceHandler({ env: process.env })(event, context);
}
