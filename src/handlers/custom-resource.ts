import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { safeHandler, type SafeHandlerOptions } from '../cfn/safe-handler';
import { createLogger, parseLogLevel } from '../log';
import { createPhysicalId, handleRequest } from '../pipeline/lifecycle';
import { createLifecycleDeps, type RuntimeOptions } from '../runtime';

export type CustomResourceHandlerOptions = RuntimeOptions & Partial<Omit<SafeHandlerOptions, 'fallbackPhysicalId'>>;

/** Builds the custom resource handler with injected dependencies (tests) or the Lambda environment (handler). */
export function createCustomResourceHandler(opts: CustomResourceHandlerOptions) {
  const log = opts.log ?? createLogger({ level: parseLogLevel(opts.env.LOG_LEVEL) });
  const deps = createLifecycleDeps(opts);
  return safeHandler((event, requestLog, signal) => handleRequest(event, deps, requestLog, signal), {
    ...opts,
    log,
    fallbackPhysicalId: createPhysicalId,
  });
}

/** Lambda entry point of the custom resource. */
export async function handler(event: CloudFormationCustomResourceEvent, context: Context): Promise<void> {
  await createCustomResourceHandler({ env: process.env })(event, context);
}
