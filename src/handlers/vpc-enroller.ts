import type { EventBridgeEvent } from 'aws-lambda';
import { stackIdentity, type StackIdentity } from '../engine/stack-identity';
import { BOUNDARY_ENV, buildContext, regionalClients, type ContextOptions } from '../engine/context-from-env';
import { type PipelineConfig } from '../config/pipeline-config';
import { ENROLLER_PROPERTIES, parseConfig } from '../sources/parse';
import { ConfigError, describeError } from '../support/errors';
import { createLogger, parseLogLevel, type Logger } from '../support/log';
import { desiredFlowLog } from '../sources/flow-logs/flow-log-plan';
import { settingsGate } from '../sources/flow-logs/settings-record';
import { enrollVpc, enrollVpcs, NOTHING_DONE, type EnrollmentSummary } from '../sources/flow-logs/vpc-enrollment';

/** The environment variable the template sets to the stack's ARN: flow logs are tagged with it. */
export const STACK_ID_ENV = 'STACK_ID';

/** What STACK_ID_ENV must hold. */
const STACK_ARN_RULE = 'the ARN of the CloudFormation stack (arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<id>)';

export type VpcEnrollerOptions = ContextOptions & { log?: Logger };

/** The events that start a run: the schedule (a sweep), or the CreateVpc API call recorded by CloudTrail (that VPC). */
export type EnrollerEvent = EventBridgeEvent<string, unknown>;

/**
 * Builds the VPC enroller with injected clients, clock and log (tests) or the Lambda environment.
 * A CreateVpc event enrolls that VPC only (a burst of new VPCs starts no full sweeps); the schedule runs the
 * sweep, which also repairs what events missed. Either writes only while the settings the provisioner recorded
 * on the flow-log group are the enroller's own. A failed run throws, so Lambda's retries and error metrics apply.
 */
export function createVpcEnrollerHandler(opts: VpcEnrollerOptions) {
  const log = opts.log ?? createLogger({ level: parseLogLevel(opts.env.LOG_LEVEL) });
  const clientsFor = regionalClients(opts);
  return async (event: EnrollerEvent): Promise<EnrollmentSummary> => {
    const requestLog = log.child({ eventId: event.id, source: event.source, detailType: event['detail-type'] });
    try {
      const { config, identity } = parseEnvironment(opts.env);
      const newVpcId = createdVpcId(event);
      const trigger = isCreateVpc(event) ? 'CreateVpc' : 'schedule';
      requestLog.info('enrollment started', { trigger, ...(newVpcId ? { newVpcId } : {}) });
      if (!config.flowLogs.enabled) {
        requestLog.info('flow logs are turned off (EnableFlowLogs=false): nothing to do');
        return { ...NOTHING_DONE };
      }
      if (trigger === 'CreateVpc' && !newVpcId) {
        requestLog.info('the CreateVpc call created no VPC (it failed): nothing to do');
        return { ...NOTHING_DONE };
      }
      const ctx = buildContext(opts, clientsFor(identity.region), config, identity, requestLog);
      const gate = await settingsGate(desiredFlowLog(config), ctx);
      if (gate.state === 'no-group') {
        requestLog.warn('the flow-log group does not exist (stack being created or deleted): nothing to do', { logGroup: ctx.names.flowLogGroup });
        return { ...NOTHING_DONE };
      }
      if (gate.state === 'stale') {
        requestLog.warn("the flow-log settings recorded by the provisioner differ from this function's environment (stack update in progress): nothing to do", {
          recorded: gate.recorded,
          own: gate.own,
        });
        return { ...NOTHING_DONE };
      }
      const summary = newVpcId ? await enrollVpc(config, ctx, newVpcId) : await enrollVpcs(config, ctx);
      requestLog.info('enrollment done', { trigger, ...summary });
      return summary;
    } catch (err) {
      requestLog.error('enrollment failed', { error: describeError(err) });
      throw err;
    }
  };
}

/**
 * The enroller's configuration from its environment: the parameters the registry passes to the enroller (the
 * template sets exactly these), parsed by the same parseConfig, plus the stack's ARN and the permissions
 * boundary. Every problem is reported at once.
 */
export function parseEnvironment(env: Readonly<Record<string, string | undefined>>): { config: PipelineConfig; identity: StackIdentity } {
  const props = Object.fromEntries(ENROLLER_PROPERTIES.filter((k) => env[k] !== undefined).map((k) => [k, env[k]]));
  const problems: string[] = [];
  let config: PipelineConfig | undefined;
  try {
    config = parseConfig(props);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  let identity: StackIdentity | undefined;
  const stackId = env[STACK_ID_ENV];
  if (!stackId) {
    problems.push(`${STACK_ID_ENV} is required; allowed values: ${STACK_ARN_RULE}`);
  } else {
    try {
      identity = stackIdentity({ StackId: stackId });
    } catch {
      problems.push(`${STACK_ID_ENV} '${stackId}' is not allowed; allowed values: ${STACK_ARN_RULE}`);
    }
  }
  if (!env[BOUNDARY_ENV]) problems.push(`${BOUNDARY_ENV} is required; allowed values: the ARN of the pipeline's permissions boundary policy`);
  if (problems.length > 0 || !config || !identity) throw new ConfigError(problems.map((p) => `environment variable ${p}`));
  return { config, identity };
}

type CloudTrailDetail = { eventName?: unknown; responseElements?: { vpc?: { vpcId?: unknown } } | null } | null | undefined;

/** True for the CreateVpc API call as CloudTrail delivers it to EventBridge. */
export function isCreateVpc(event: EnrollerEvent): boolean {
  return event.source === 'aws.ec2' && (event.detail as CloudTrailDetail)?.eventName === 'CreateVpc';
}

/** The id of the VPC a CreateVpc event reports; a failed call has no responseElements. */
export function createdVpcId(event: EnrollerEvent): string | undefined {
  if (!isCreateVpc(event)) return undefined;
  const vpcId = (event.detail as CloudTrailDetail)?.responseElements?.vpc?.vpcId;
  return typeof vpcId === 'string' && /^vpc-[0-9a-f]+$/.test(vpcId) ? vpcId : undefined;
}

let lambdaHandler: ReturnType<typeof createVpcEnrollerHandler> | undefined;

/** Lambda entry point of the VPC enroller; built on the first invocation and reused while the sandbox is warm. */
export async function handler(event: EnrollerEvent): Promise<EnrollmentSummary> {
  lambdaHandler ??= createVpcEnrollerHandler({ env: process.env });
  return lambdaHandler(event);
}
