import { gzipSync } from 'node:zlib';
import { pipelineNames } from '../../../src/config/names';
import { type PipelineConfig } from '../../../src/config/pipeline-config';
import { parseConfig } from '../../../src/sources/parse';
import type { PipelineContext } from '../../../src/components/context';
import { defaultComponents } from '../../../src/sources/registry';
import { eventsRoleComponent, logsRoleComponent } from '../../../src/sources/delivery-roles';
import { docsOf, MissingDocsError, PARAMETER_DOCS } from '../../../src/sources/docs';
import { PARAMETER_MODULES, templateDefaults } from '../../../src/sources/parameters';
import { parseWithModules } from '../../../src/sources/parse';
import { decodeRecord, UnknownRecordError } from '../../../src/sources/records';
import { recordStreamsOf, SHARED_COMPONENTS, SOURCES, sourceOfRecord } from '../../../src/sources/registry';
import { subscribableLogGroups } from '../../../src/sources/needs';
import { cwlDelivery } from '../../fake/stream-records';

const REGION = 'eu-west-1';
const names = pipelineNames('demo', REGION, '123456789012');

/** A context that has a region and nothing else: reading any other field fails the test (enabled is a pure function of config and region). */
function regionOnly(region: string): PipelineContext {
  return new Proxy({} as PipelineContext, {
    get: (_t, key) => {
      if (key === 'region') return region;
      throw new Error(`enabled read ctx.${String(key)}: only the region may decide what is enabled`);
    },
  });
}

/** Every combination that changes which components and roles are on. */
const CONFIGS: [string, Record<string, string>][] = [
  ['every source on', {}],
  ['every source off', { EnableCloudTrail: 'false', EnableFlowLogs: 'false', EnableGuardDuty: 'false' }],
  ['CloudTrail only', { EnableFlowLogs: 'false', EnableGuardDuty: 'false' }],
  ['an existing trail group', { ExistingTrailLogGroup: 'org-trail', EnableFlowLogs: 'false', EnableGuardDuty: 'false' }],
  ['the trail homed elsewhere', { TrailHomeRegion: 'us-east-1', EnableFlowLogs: 'false', EnableGuardDuty: 'false' }],
  ['flow logs only', { EnableCloudTrail: 'false', EnableGuardDuty: 'false' }],
  ['GuardDuty only', { EnableCloudTrail: 'false', EnableFlowLogs: 'false' }],
  ['extra sources only', { EnableCloudTrail: 'false', EnableFlowLogs: 'false', EnableGuardDuty: 'false', ExtraEventSources: 'aws.securityhub' }],
  ['cross-account role', { SiemAccess: 'CrossAccountRole', SiemAccountId: '210987654321', SiemExternalId: 'ext-1' }],
];
const configOf = (props: Record<string, string>): PipelineConfig => parseConfig({ PipelineName: 'demo', ...props });
const sharedIds = SHARED_COMPONENTS.map((c) => c.id);

describe('the registry (src/sources/registry.ts)', () => {
  it('lists the same modules, with the same parameters, as the parameter list the config parser reads', () => {
    expect(SOURCES.map((m) => m.id)).toEqual(PARAMETER_MODULES.map((m) => m.id));
    SOURCES.forEach((m, i) => expect({ id: m.id, same: m.parameters === PARAMETER_MODULES[i].parameters }).toEqual({ id: m.id, same: true }));
  });

  it('gives every component to exactly one module or the shared list, in the engine order the lifecycle suites know', () => {
    const ids = defaultComponents().map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([
      'stream',
      'siem-user',
      'siem-role',
      'logs-role',
      'events-role',
      'flowlogs-role',
      'trail-role',
      'trail-log-group',
      'trail-bucket',
      'trail',
      'flow-log-group',
      'flow-logs',
      'guardduty-detector',
      'guardduty-rule',
      'event-sources',
    ]);
  });

  it.each(CONFIGS)("each module's needs are the shared components its enabled components depend on (%s)", (_what, props) => {
    const config = configOf(props);
    for (const m of SOURCES) {
      const fromComponents = new Set(
        m.components.filter((c) => c.enabled(config, regionOnly(REGION))).flatMap((c) => c.dependsOn.filter((d) => sharedIds.includes(d))),
      );
      expect({ module: m.id, needs: [...new Set(m.needs(config, REGION))].sort() }).toEqual({ module: m.id, needs: [...fromComponents].sort() });
    }
  });

  it.each(CONFIGS)("the shared roles' own predicates agree with the derivation the engine uses (%s)", (_what, props) => {
    const config = configOf(props);
    const derived = Object.fromEntries(
      defaultComponents()
        .filter((c) => sharedIds.includes(c.id))
        .map((c) => [c.id, c.enabled(config, regionOnly(REGION))]),
    );
    const own = Object.fromEntries(SHARED_COMPONENTS.map((c) => [c.id, c.enabled(config, regionOnly(REGION))]));
    expect(derived).toEqual(own);
  });

  it('switches the logs and events roles by need: on with any source that needs them, off with none', () => {
    const off = configOf(CONFIGS[1][1]);
    expect([logsRoleComponent.enabled(off, regionOnly(REGION)), eventsRoleComponent.enabled(off, regionOnly(REGION))]).toEqual([false, false]);
    expect(logsRoleComponent.enabled(configOf({ EnableCloudTrail: 'false' }), regionOnly(REGION))).toBe(true);
    expect(logsRoleComponent.enabled(configOf({ TrailHomeRegion: 'us-east-1', EnableFlowLogs: 'false' }), regionOnly(REGION))).toBe(false);
    expect(eventsRoleComponent.enabled(configOf(CONFIGS[7][1]), regionOnly(REGION))).toBe(true);
  });

  it('reads every parameter it passes to the custom resource: the template defaults parse without an unknown property', () => {
    const config = parseWithModules(PARAMETER_MODULES, templateDefaults());
    expect(config).toMatchObject({
      name: 'siem',
      siemAccess: { kind: 'IamUser', rotationToken: '1' },
      logRetentionDays: 1,
      flowLogs: { maxAggregationInterval: 600 },
    });
  });

  it('has docs (console text, README row) for exactly its parameters', () => {
    expect(Object.keys(PARAMETER_DOCS).sort()).toEqual(PARAMETER_MODULES.flatMap((m) => m.parameters.map((p) => p.name)).sort());
    expect(() => docsOf('NoSuchParameter')).toThrow(MissingDocsError);
  });

  it.each(PARAMETER_MODULES.flatMap((m) => m.parameters).filter((p) => p.rule.kind === 'pattern' || p.rule.kind === 'list'))(
    'the template pattern of $name is written and accepts its default',
    (spec) => {
      const { allowedPattern, constraint } = docsOf(spec.name);
      expect({ allowedPattern: typeof allowedPattern, constraint: typeof constraint }).toEqual({ allowedPattern: 'string', constraint: 'string' });
      expect(new RegExp(allowedPattern!).test(spec.default)).toBe(true);
    },
  );

  it.each(PARAMETER_MODULES.flatMap((m) => m.parameters).filter((p) => p.rule.kind === 'intChoice'))(
    'the console values of $name are values the parser accepts',
    (spec) => {
      const values = (spec.rule as { values: readonly number[] }).values;
      expect((docsOf(spec.name).consoleValues ?? values).filter((v) => !values.includes(v))).toEqual([]);
    },
  );
});

describe('recognising records of the stream', () => {
  const scope = (props: Record<string, string> = {}) => ({ config: configOf({ ExtraEventSources: 'aws.securityhub', ...props }), names, region: REGION });
  const logs = (logGroup: string, messageType = 'DATA_MESSAGE') => cwlDelivery(logGroup, [{ timestamp: 1, message: 'm' }], messageType);
  const event = (source: string, detailType: string) => Buffer.from(JSON.stringify({ version: '0', id: 'e-1', source, 'detail-type': detailType, detail: {} }));

  it.each<[string, Buffer, Record<string, string>, string | undefined]>([
    ['our trail group', logs(names.cloudTrailLogGroup), {}, 'cloudtrail'],
    ['a reused trail group', logs('org-trail'), { ExistingTrailLogGroup: 'org-trail' }, 'cloudtrail'],
    ['our trail group while a reused one is configured', logs(names.cloudTrailLogGroup), { ExistingTrailLogGroup: 'org-trail' }, undefined],
    ['the flow-log group', logs(names.flowLogGroup), {}, 'flow-logs'],
    ['a control message (no log data)', logs(names.flowLogGroup, 'CONTROL_MESSAGE'), {}, undefined],
    ['another log group', logs('/aws/lambda/x'), {}, undefined],
    ['a GuardDuty finding', event('aws.guardduty', 'GuardDuty Finding'), {}, 'guardduty'],
    ['another GuardDuty event', event('aws.guardduty', 'GuardDuty Malware Protection Object Scan Result'), {}, undefined],
    ['a configured extra source', event('aws.securityhub', 'Security Hub Findings - Imported'), {}, 'event-sources'],
    ['an unconfigured source', event('aws.health', 'AWS Health Event'), {}, undefined],
  ])('%s', (_what, data, props, module) => {
    expect(sourceOfRecord(decodeRecord(data), scope(props))?.id).toBe(module);
  });

  it.each([
    ['not JSON', Buffer.from('not json'), 'record is not JSON'],
    ['gzip of not JSON', gzipSync('nope'), 'record is not JSON after gunzip'],
    ['JSON of another shape', Buffer.from('{"hello":1}'), 'record is neither a CloudWatch Logs delivery'],
  ])('refuses a record that is %s', (_what, data, message) => {
    expect(() => decodeRecord(data)).toThrow(UnknownRecordError);
    expect(() => decodeRecord(data)).toThrow(message);
  });

  it.each<[string, Record<string, string>, string, [string, boolean][]]>([
    [
      'every source on, in the home region: one stream per source, each extra source apart',
      { ExtraEventSources: 'aws.securityhub,aws.health' },
      REGION,
      [
        ['CloudTrail', true],
        ['VPC flow logs', true],
        ['GuardDuty', true],
        ['aws.securityhub', true],
        ['aws.health', true],
      ],
    ],
    [
      'another region than the trail home: CloudTrail is not delivered here',
      { TrailHomeRegion: 'us-east-1' },
      REGION,
      [
        ['CloudTrail', false],
        ['VPC flow logs', true],
        ['GuardDuty', true],
      ],
    ],
    [
      'sources turned off: listed, not expected',
      { EnableCloudTrail: 'false', EnableFlowLogs: 'false', EnableGuardDuty: 'false' },
      REGION,
      [
        ['CloudTrail', false],
        ['VPC flow logs', false],
        ['GuardDuty', false],
      ],
    ],
  ])('the streams the CLI verify counts: %s', (_what, props, region, streams) => {
    expect(recordStreamsOf({ config: configOf(props), names, region }).map((s) => [s.name, s.expected])).toEqual(streams);
  });
});

describe('log groups the logs role may subscribe (named by the modules)', () => {
  it.each<[string, Record<string, string>, string[]]>([
    ['own groups, whether switched on or not', { EnableCloudTrail: 'false', EnableFlowLogs: 'false' }, [names.cloudTrailLogGroup, names.flowLogGroup]],
    ['a reused trail group after the own ones', { ExistingTrailLogGroup: 'org-trail' }, [names.cloudTrailLogGroup, names.flowLogGroup, 'org-trail']],
  ])('%s', (_what, props, groups) => {
    expect(subscribableLogGroups(configOf(props), { names })).toEqual(groups);
  });
});
