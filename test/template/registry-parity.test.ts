import { PARAMETER_MODULES } from '../../src/sources/parameters';
import { PARAMETER_DOCS } from '../../src/sources/docs';
import { resolverDocs, resolverParameters } from '../unit/sources/resolver-source';
import { parityProblems } from './registry-parity';
import { loadTemplate, type JsonObject } from './template-helpers';

const template = loadTemplate();
const copy = (): JsonObject => JSON.parse(JSON.stringify(template)) as JsonObject;
const params = (t: JsonObject) => t.Parameters as Record<string, JsonObject>;
const res = (t: JsonObject, id: string) => (t.Resources as Record<string, JsonObject>)[id].Properties as JsonObject;
const ui = (t: JsonObject) => (t.Metadata as JsonObject)['AWS::CloudFormation::Interface'] as JsonObject;
const enrollerEnv = (t: JsonObject) => (res(t, 'VpcEnrollerFunction').Environment as JsonObject).Variables as JsonObject;

describe('template.yaml agrees with the registry (src/sources)', () => {
  it('parameters, custom resource properties, enroller environment and console metadata all match', () => {
    expect(parityProblems(template, PARAMETER_MODULES)).toEqual([]);
  });

  // Each mutation of a copy of the template must be caught, with a message that says where and what.
  it.each<[string, (t: JsonObject) => void, string]>([
    ['a changed Default', (t) => (params(t).ShardCount.Default = 2), 'parameter ShardCount: Default is 2 in template.yaml, 1 in the registry (src/sources)'],
    [
      'a dropped allowed value',
      (t) => (params(t).StreamMode.AllowedValues = ['PROVISIONED']),
      'parameter StreamMode: AllowedValues is ["PROVISIONED"] in template.yaml, ["PROVISIONED","ON_DEMAND"] in the registry (src/sources)',
    ],
    [
      'a changed AllowedPattern',
      (t) => (params(t).ExtraEventSources.AllowedPattern = '^.*$'),
      'parameter ExtraEventSources: AllowedPattern is "^.*$" in template.yaml',
    ],
    [
      'a changed Type',
      (t) => (params(t).EnableFlowLogs.Type = 'Number'),
      'parameter EnableFlowLogs: Type is "Number" in template.yaml, "String" in the registry (src/sources)',
    ],
    [
      'a constraint the registry lacks',
      (t) => (params(t).StreamMode.MinValue = 1),
      'parameter StreamMode: MinValue is 1 in template.yaml, absent in the registry (src/sources)',
    ],
    [
      'a lost NoEcho',
      (t) => delete params(t).SiemExternalId.NoEcho,
      'parameter SiemExternalId: NoEcho is absent in template.yaml, true in the registry (src/sources)',
    ],
    [
      'a parameter the registry does not know',
      (t) => (params(t).Bogus = { Type: 'String', Default: '' }),
      'template.yaml parameter Bogus is not in the registry (src/sources)',
    ],
    [
      'a registry parameter missing from the template',
      (t) => delete params(t).FlowLogFormat,
      'the registry (src/sources) parameter FlowLogFormat is missing from template.yaml Parameters',
    ],
    [
      'a property missing from the custom resource',
      (t) => delete res(t, 'Pipeline').GuardDutyOnDelete,
      'custom resource Pipeline must set GuardDutyOnDelete: !Ref GuardDutyOnDelete (the registry (src/sources)); it has absent',
    ],
    [
      'an extra custom resource property',
      (t) => (res(t, 'Pipeline').VpcSweepSchedule = { Ref: 'VpcSweepSchedule' }),
      'custom resource Pipeline sets VpcSweepSchedule, which the registry (src/sources) does not pass to it',
    ],
    [
      'a custom resource property fed by another parameter',
      (t) => (res(t, 'Pipeline').ShardCount = { Ref: 'RetentionHours' }),
      'custom resource Pipeline must set ShardCount: !Ref ShardCount (the registry (src/sources)); it has {"Ref":"RetentionHours"}',
    ],
    [
      'a flow-log setting missing from the enroller',
      (t) => delete enrollerEnv(t).FlowLogFormat,
      "the enroller's environment (VpcEnrollerFunction) must set FlowLogFormat: !Ref FlowLogFormat (the registry (src/sources)); it has absent",
    ],
    [
      'an enroller variable the registry does not pass',
      (t) => (enrollerEnv(t).EnableGuardDuty = { Ref: 'EnableGuardDuty' }),
      "the enroller's environment (VpcEnrollerFunction) sets EnableGuardDuty",
    ],
    [
      'a changed console label',
      (t) => ((ui(t).ParameterLabels as JsonObject).ShardCount = { default: 'Shards' }),
      'console label of ShardCount is {"default":"Shards"} in template.yaml',
    ],
    ['a parameter moved to another console group', (t) => (ui(t).ParameterGroups as JsonObject[]).reverse(), 'console ParameterGroups differ'],
  ])('catches %s', (_what, mutate, message) => {
    const t = copy();
    mutate(t);
    expect(parityProblems(t, PARAMETER_MODULES)).toContainEqual(expect.stringContaining(message));
  });

  it('catches a registry parameter the template lacks (a new source whose template parameters were not added)', () => {
    expect(parityProblems(template, [...PARAMETER_MODULES, resolverParameters], { ...PARAMETER_DOCS, ...resolverDocs })).toEqual(
      expect.arrayContaining([
        'the registry (src/sources) parameter EnableResolverEvents is missing from template.yaml Parameters',
        'custom resource Pipeline must set EnableResolverEvents: !Ref EnableResolverEvents (the registry (src/sources)); it has absent',
        'console label of EnableResolverEvents is absent in template.yaml, {"default":"Send Route 53 Resolver events"} in the registry (src/sources)',
      ]),
    );
  });
});
