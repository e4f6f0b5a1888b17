// Renders one AWS::Serverless::Function the way SAM's translator does (checked against
// `sam-translate` in test/template/sam-parity.test.ts), except for the code: Code.ZipFile with the
// bundle and `index.handler` instead of a CodeUri upload. A property or event field this file does not
// know fails the build, naming it: nothing is dropped.
'use strict';

/** Function properties SAM copies unchanged onto AWS::Lambda::Function. */
const COPIED = [
  'Architectures',
  'Description',
  'Environment',
  'EphemeralStorage',
  'KmsKeyArn',
  'Layers',
  'LoggingConfig',
  'MemorySize',
  'ReservedConcurrentExecutions',
  'Role',
  'Runtime',
  'Timeout',
  'VpcConfig',
];

/** Properties handled with a conversion (below), or replaced by the inlined bundle (CodeUri, Handler). */
const CONVERTED = ['CodeUri', 'Handler', 'Tags', 'Tracing', 'DeadLetterQueue', 'EventInvokeConfig', 'Events'];

/** Event fields each event type accepts; SAM puts the target fields on the rule's single target. */
const EVENT_FIELDS = {
  Schedule: ['Schedule', 'Name', 'Description', 'Enabled', 'State', 'Input', 'DeadLetterConfig', 'RetryPolicy'],
  EventBridgeRule: ['Pattern', 'EventBusName', 'RuleName', 'State', 'Input', 'InputPath', 'DeadLetterConfig', 'RetryPolicy', 'Target'],
};

/** Thrown for anything the renderer cannot render exactly as SAM would. */
class RenderError extends Error {
  constructor(message) {
    super(message);
    this.name = 'RenderError';
  }
}

function refuseUnknown(where, object, known) {
  const unknown = Object.keys(object || {}).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new RenderError(`${where}: ${unknown.join(', ')} not supported by the renderer (supported: ${known.join(', ')})`);
}

/** SAM's target fields: DeadLetterConfig only by Arn (a Type makes SAM create a queue), Target only by Id. */
function targetFields(where, fnId, eventId, p) {
  const target = { Arn: { 'Fn::GetAtt': [fnId, 'Arn'] }, Id: `${fnId}${eventId}LambdaTarget` };
  if (p.Target !== undefined) {
    refuseUnknown(`${where}.Target`, p.Target, ['Id']);
    target.Id = p.Target.Id;
  }
  for (const key of ['Input', 'InputPath']) if (p[key] !== undefined) target[key] = p[key];
  if (p.DeadLetterConfig !== undefined) {
    refuseUnknown(`${where}.DeadLetterConfig`, p.DeadLetterConfig, ['Arn']);
    target.DeadLetterConfig = p.DeadLetterConfig;
  }
  if (p.RetryPolicy !== undefined) target.RetryPolicy = p.RetryPolicy;
  return target;
}

function ruleProperties(where, event, target) {
  const p = event.Properties || {};
  if (event.Type === 'Schedule') {
    if (p.Enabled !== undefined && p.State !== undefined) throw new RenderError(`${where}: set Enabled or State, not both`);
    const rule = { ScheduleExpression: p.Schedule };
    if (p.Name !== undefined) rule.Name = p.Name;
    if (p.Description !== undefined) rule.Description = p.Description;
    if (p.State !== undefined) rule.State = p.State;
    else if (p.Enabled !== undefined) {
      if (typeof p.Enabled !== 'boolean') throw new RenderError(`${where}.Enabled must be true or false`);
      rule.State = p.Enabled ? 'ENABLED' : 'DISABLED';
    }
    rule.Targets = [target];
    return rule;
  }
  const rule = {};
  if (p.EventBusName !== undefined) rule.EventBusName = p.EventBusName;
  rule.EventPattern = p.Pattern;
  if (p.RuleName !== undefined) rule.Name = p.RuleName;
  if (p.State !== undefined) rule.State = p.State;
  rule.Targets = [target];
  return rule;
}

/** The rule and permission SAM makes of one Schedule or EventBridgeRule event. */
function renderEvent(fnId, eventId, event, condition) {
  const where = `${fnId}.Events.${eventId}`;
  refuseUnknown(where, event, ['Type', 'Properties']);
  const known = EVENT_FIELDS[event.Type];
  if (!known) throw new RenderError(`${where}: event type ${event.Type} not supported by the renderer (supported: ${Object.keys(EVENT_FIELDS).join(', ')})`);
  const p = event.Properties || {};
  refuseUnknown(`${where}.Properties`, p, known);
  const ruleId = `${fnId}${eventId}`;
  // The function's Condition holds for its rule and permission too, or they would point at nothing.
  const when = condition === undefined ? {} : { Condition: condition };
  return {
    [ruleId]: { Type: 'AWS::Events::Rule', ...when, Properties: ruleProperties(where, event, targetFields(where, fnId, eventId, p)) },
    [`${ruleId}Permission`]: {
      Type: 'AWS::Lambda::Permission',
      ...when,
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: { Ref: fnId },
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
      },
    },
  };
}

/** SAM's AWS::Lambda::EventInvokeConfig: destinations only by ARN (a Type alone makes SAM create one). */
function renderInvokeConfig(fnId, config, res) {
  const where = `${fnId}.EventInvokeConfig`;
  refuseUnknown(where, config, ['MaximumEventAgeInSeconds', 'MaximumRetryAttempts', 'DestinationConfig']);
  const props = { FunctionName: { Ref: fnId }, Qualifier: '$LATEST' };
  for (const key of ['MaximumEventAgeInSeconds', 'MaximumRetryAttempts']) if (config[key] !== undefined) props[key] = config[key];
  if (config.DestinationConfig !== undefined) {
    refuseUnknown(`${where}.DestinationConfig`, config.DestinationConfig, ['OnSuccess', 'OnFailure']);
    props.DestinationConfig = {};
    for (const [on, dest] of Object.entries(config.DestinationConfig)) {
      refuseUnknown(`${where}.DestinationConfig.${on}`, dest, ['Type', 'Destination']);
      if (dest.Destination === undefined)
        throw new RenderError(`${where}.DestinationConfig.${on}.Destination is required (SAM would create a ${dest.Type} resource)`);
      props.DestinationConfig[on] = { Destination: dest.Destination };
    }
  }
  // SAM gives it the function's Condition and Metadata (not its DependsOn).
  const resource = { Type: 'AWS::Lambda::EventInvokeConfig' };
  for (const key of ['Condition', 'Metadata']) if (res[key] !== undefined) resource[key] = res[key];
  return { [`${fnId}EventInvokeConfig`]: { ...resource, Properties: props } };
}

/** Function properties as SAM renders them, with `code` inlined; `extra` resources for events and invoke config. */
function renderFunction(fnId, res, code) {
  refuseUnknown(fnId, res, ['Type', 'Properties', 'Metadata', 'Condition', 'DependsOn']);
  const p = res.Properties || {};
  refuseUnknown(`${fnId}.Properties`, p, [...COPIED, ...CONVERTED]);
  // Without Role, SAM creates one (and adds DLQ and destination policies to it): not rendered here.
  if (p.Role === undefined) throw new RenderError(`${fnId}.Role is required: the renderer does not create SAM's default role`);
  const props = { Code: { ZipFile: code }, Handler: 'index.handler' };
  for (const key of COPIED) if (p[key] !== undefined) props[key] = p[key];
  props.Tags = [{ Key: 'lambda:createdBy', Value: 'SAM' }, ...Object.entries(p.Tags || {}).map(([Key, Value]) => ({ Key, Value }))];
  if (p.Tracing !== undefined) props.TracingConfig = { Mode: p.Tracing };
  if (p.DeadLetterQueue !== undefined) {
    refuseUnknown(`${fnId}.DeadLetterQueue`, p.DeadLetterQueue, ['Type', 'TargetArn']);
    props.DeadLetterConfig = { TargetArn: p.DeadLetterQueue.TargetArn };
  }
  const fn = { Type: 'AWS::Lambda::Function', Properties: props };
  for (const key of ['Condition', 'DependsOn', 'Metadata']) if (res[key] !== undefined) fn[key] = res[key];
  const out = { [fnId]: fn };
  if (p.EventInvokeConfig !== undefined) Object.assign(out, renderInvokeConfig(fnId, p.EventInvokeConfig, res));
  for (const [eventId, event] of Object.entries(p.Events || {})) Object.assign(out, renderEvent(fnId, eventId, event, res.Condition));
  return out;
}

module.exports = { renderFunction, RenderError };
