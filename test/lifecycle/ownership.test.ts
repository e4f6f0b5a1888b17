import { CreateLogGroupCommand, PutSubscriptionFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import { UpdateDetectorCommand } from '@aws-sdk/client-guardduty';
import { TAG_NAME, TAG_STACK } from '../../src/config/names';
import { auditPipeline } from '../../src/cli/audit';
import { PipelineEngine } from '../../src/engine/engine';
import { defaultComponents } from '../../src/sources/registry';
import { activeStream, serviceRole } from '../fake/fixtures';
import { adoptedView, adoptProps, allSources, deliveredSources, idOf, liveView, namesOf, ORG_GROUP, seededAccount } from './adopted-helpers';
import { makeHarness, readOnlyContext, scanLogsForSecrets, STACK_ID } from './harness';
import { ALL_ON, inventory } from './sources-helpers';

const REJECTED = 'siem-pipeline/rejected/Pipeline';
const detectors = (h: { fake: { snapshot(): Record<string, unknown> } }) =>
  h.fake.snapshot().guardduty as { id: string; enabled: boolean; frequency: string; tags: Record<string, string> }[];
const ownTags = (name: string) => ({ [TAG_NAME]: name, [TAG_STACK]: STACK_ID });
const created = (name: string, over: Record<string, string> = {}) => ({ ...ALL_ON, PipelineName: name, ...over });

describe('defect 2: a rename never deletes the detector in use (GuardDutyOnDelete=Delete)', () => {
  it('the new pipeline takes the detector over; the cleanup Delete of the old id leaves it, and findings still flow', async () => {
    const h = await seededAccount({ detector: false });
    const first = await h.simulateEvent('Create', created('demo'));
    const detectorId = first.Data!.GuardDutyDetectorId;

    const renamed = await h.simulateEvent('Update', created('demo2'), { id: idOf('demo'), props: created('demo') });
    expect(renamed).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: idOf('demo2'), Data: { GuardDutyDetectorId: detectorId } });
    const cleanup = await h.simulateEvent('Delete', created('demo'), { id: idOf('demo') });

    expect(cleanup.Status).toBe('SUCCESS');
    expect(detectors(h)).toEqual([{ id: detectorId, enabled: true, frequency: 'FIFTEEN_MINUTES', tags: ownTags('demo2') }]);
    expect(h.fake.writes().filter((c) => c.command === 'DeleteDetector')).toEqual([]);
    expect(deliveredSources(h, 'demo2', h.vpcs[3])).toContain('aws.guardduty');

    // The new name's own Delete still honours GuardDutyOnDelete=Delete.
    expect((await h.simulateEvent('Delete', created('demo2'), { id: idOf('demo2') })).Status).toBe('SUCCESS');
    expect(detectors(h)).toEqual([]);
  });

  it('a failed rename hands the detector back: the same detector serves the rolled-back pipeline', async () => {
    const h = await seededAccount({ detector: false });
    const detectorId = (await h.simulateEvent('Create', created('demo'))).Data!.GuardDutyDetectorId;
    h.fake.failWhen((c) => c.command === 'PutTargets' && String(c.input.Rule).startsWith('siem-demo2-'));

    const failed = await h.simulateEvent('Update', created('demo2'), { id: idOf('demo'), props: created('demo') });
    expect(failed).toMatchObject({ Status: 'FAILED', PhysicalResourceId: idOf('demo') });
    expect(detectors(h)).toEqual([{ id: detectorId, enabled: true, frequency: 'FIFTEEN_MINUTES', tags: ownTags('demo') }]);

    h.fake.clearFaults();
    const rollback = await h.simulateEvent('Update', created('demo'), { id: idOf('demo'), props: created('demo2') });
    expect(rollback).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: idOf('demo'), Data: { GuardDutyDetectorId: detectorId } });
    expect(
      h.fake
        .writes()
        .filter((c) => c.command === 'DeleteDetector' || c.command === 'CreateDetector')
        .map((c) => c.command),
    ).toEqual(['CreateDetector']);
    expect(deliveredSources(h, 'demo', h.vpcs[3])).toContain('aws.guardduty');
  });
});

describe('defect 3: a failed Create leaves no detector behind (default GuardDutyOnDelete=Retain)', () => {
  it('the Delete that follows a Create which made the detector deletes it; a successful Create keeps it', async () => {
    const h = makeHarness();
    const props = created('demo', { GuardDutyOnDelete: 'Retain' });
    h.fake.failAt('events:PutRule#1');
    const res = await h.simulateEvent('Create', props);
    expect(res).toMatchObject({ Status: 'FAILED', PhysicalResourceId: idOf('demo') });
    expect(detectors(h)).toEqual([expect.objectContaining({ tags: { ...ownTags('demo'), 'siem-pipeline:provisional': 'true' } })]);

    h.fake.clearFaults();
    expect((await h.simulateEvent('Delete', props, { id: idOf('demo') })).Status).toBe('SUCCESS');
    expect(detectors(h)).toEqual([]);

    // The retry succeeds: its detector is no longer provisional, so Retain keeps it.
    expect((await h.simulateEvent('Create', props)).Status).toBe('SUCCESS');
    expect((await h.simulateEvent('Delete', props, { id: idOf('demo') })).Status).toBe('SUCCESS');
    expect(detectors(h)).toEqual([expect.objectContaining({ enabled: true, tags: ownTags('demo') })]);
  });
});

describe('defect 4: Create and Update validate every reference before the first write', () => {
  it.each([
    ['a group that does not exist', 'no/such/group', /ExistingTrailLogGroup no\/such\/group does not exist in account \d{12}, region us-east-1/],
    [
      'a group no trail delivers to',
      'not/a/trail',
      /ExistingTrailLogGroup not\/a\/trail is not the CloudWatch Logs group of any trail in account \d{12}, region us-east-1 \(DescribeTrails\)/,
    ],
    [
      'a group whose two filter slots are taken',
      'full/trail',
      /ExistingTrailLogGroup full\/trail already has as many subscription filters as CloudWatch Logs allows per group \(a quota that cannot be raised\)/,
    ],
  ])('an Update to %s fails naming ExistingTrailLogGroup with nothing changed (the trail, bucket, group and role stay)', async (_case, group, reason) => {
    const h = await seededAccount();
    const clients = h.fake.clients();
    await clients.logs.send(new CreateLogGroupCommand({ logGroupName: 'not/a/trail' }));
    await clients.logs.send(new CreateLogGroupCommand({ logGroupName: 'full/trail' }));
    h.fake.cloudtrail.seedTrail({ name: 'full-trail', logGroupArn: `arn:aws:logs:us-east-1:123456789012:log-group:full/trail:*` });
    const sink = await activeStream(h.fake, 'sink');
    const role = await serviceRole(h.fake, 'sink-writer', 'logs.amazonaws.com', ['kinesis:PutRecord'], sink);
    h.clock.advance(60_000);
    for (const f of ['a', 'b'])
      await clients.logs.send(
        new PutSubscriptionFilterCommand({ logGroupName: 'full/trail', filterName: f, filterPattern: '', destinationArn: sink, roleArn: role }),
      );
    expect((await h.simulateEvent('Create', created('demo'))).Status).toBe('SUCCESS');
    const before = inventory(h.fake);
    h.fake.resetCalls();

    const res = await h.simulateEvent('Update', created('demo', { ExistingTrailLogGroup: group }), { id: idOf('demo'), props: created('demo') });

    expect(res).toMatchObject({ Status: 'FAILED', PhysicalResourceId: idOf('demo'), Reason: expect.stringMatching(reason) });
    expect(h.fake.writes()).toEqual([]);
    expect(inventory(h.fake)).toEqual(before);
  });

  it('an Update that turns CloudTrail off and asks for more shards than the account quota allows changes nothing', async () => {
    const h = makeHarness({ fake: { kinesisShardLimit: 10 } });
    expect((await h.simulateEvent('Create', created('demo'))).Status).toBe('SUCCESS');
    const before = inventory(h.fake);
    h.fake.resetCalls();

    const res = await h.simulateEvent('Update', created('demo', { EnableCloudTrail: 'false', ShardCount: '12' }), { id: idOf('demo'), props: created('demo') });

    expect(res).toMatchObject({ Status: 'FAILED', PhysicalResourceId: idOf('demo') });
    expect(res.Reason).toMatch(
      /^PreflightError: ShardCount 12 needs 11 more shard\(s\), but the account already has 1 of its 10-shard Kinesis quota open in us-east-1/,
    );
    expect(h.fake.writes()).toEqual([]);
    expect(inventory(h.fake)).toEqual(before);
  });

  it('a Create with a bad reference fails with the rejected id and no write', async () => {
    const h = await seededAccount();
    const res = await h.simulateEvent('Create', adoptProps('demo', { ExistingTrailLogGroup: 'no/such/group' }));
    expect(res).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: REJECTED,
      Reason: expect.stringMatching(/^PreflightError: ExistingTrailLogGroup no\/such\/group/),
    });
    expect(h.fake.writes()).toEqual([]);
  });
});

describe('defect 5: after Delete, an adopted detector is exactly as it was', () => {
  it('its finding frequency is restored and every tag we added removed', async () => {
    const h = await seededAccount();
    const before = detectors(h);
    expect((await h.simulateEvent('Create', adoptProps())).Data).toMatchObject({ GuardDutyDetectorId: h.detectorId });
    expect(detectors(h)).toEqual([expect.objectContaining({ frequency: 'FIFTEEN_MINUTES' })]);

    expect((await h.simulateEvent('Delete', adoptProps(), { id: idOf('demo') })).Status).toBe('SUCCESS');
    expect(detectors(h)).toEqual(before);
  });
});

describe('defect 7: a Delete whose stored properties no longer parse', () => {
  it('still takes our filter off the reused trail group (recorded on our stream)', async () => {
    const h = await seededAccount();
    const before = adoptedView(h.fake);
    expect((await h.simulateEvent('Create', adoptProps())).Status).toBe('SUCCESS');

    const del = await h.simulateEvent('Delete', { PipelineName: 'demo', ShardCount: 'many', ExistingTrailLogGroup: 'org trail' }, { id: idOf('demo') });
    expect(del.Status).toBe('SUCCESS');
    expect((adoptedView(h.fake).groups as unknown[]).find((g) => (g as { name: string }).name === ORG_GROUP)).toEqual(
      (before.groups as unknown[]).find((g) => (g as { name: string }).name === ORG_GROUP),
    );
  });
});

describe('defect 8: renaming with a reused trail group that already has another subscriber', () => {
  it("fits in two filters: the new pipeline takes the old one's slot; the cleanup Delete leaves it", async () => {
    const h = await seededAccount();
    const before = adoptedView(h.fake);
    expect((await h.simulateEvent('Create', adoptProps('demo'))).Status).toBe('SUCCESS');

    const renamed = await h.simulateEvent('Update', adoptProps('demo2'), { id: idOf('demo'), props: adoptProps('demo') });
    expect(renamed).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: idOf('demo2') });
    expect((await h.simulateEvent('Delete', adoptProps('demo'), { id: idOf('demo') })).Status).toBe('SUCCESS');

    expect(adoptedView(h.fake)).toEqual(liveView(before, 'demo2'));
    expect(deliveredSources(h, 'demo2', h.vpcs[3])).toEqual(allSources('demo2'));
  });

  it('a failed rename gives the old pipeline its filter back', async () => {
    const h = await seededAccount();
    const before = adoptedView(h.fake);
    expect((await h.simulateEvent('Create', adoptProps('demo'))).Status).toBe('SUCCESS');
    h.fake.failWhen((c) => c.command === 'PutTargets' && String(c.input.Rule).startsWith('siem-demo2-'));

    const failed = await h.simulateEvent('Update', adoptProps('demo2'), { id: idOf('demo'), props: adoptProps('demo') });
    expect(failed).toMatchObject({ Status: 'FAILED', PhysicalResourceId: idOf('demo') });
    expect(adoptedView(h.fake)).toEqual(liveView(before, 'demo'));
    expect(h.fake.resourcesOwnedBy('demo2')).toEqual([]);
    h.fake.clearFaults();
    expect(deliveredSources(h, 'demo', h.vpcs[3])).toEqual(allSources('demo'));
  });
});

describe('defect 9: a detector the stack created and someone disabled', () => {
  it('is enabled again by the next Update; an adopted disabled detector is left disabled', async () => {
    const h = makeHarness();
    expect((await h.simulateEvent('Create', created('demo'))).Status).toBe('SUCCESS');
    const [ours] = detectors(h);
    await h.fake.clients().guardduty.send(new UpdateDetectorCommand({ DetectorId: ours.id, Enable: false }));

    expect((await h.simulateEvent('Update', created('demo', { LogRetentionDays: '3' }), { id: idOf('demo'), props: created('demo') })).Status).toBe('SUCCESS');
    expect(detectors(h)).toEqual([expect.objectContaining({ id: ours.id, enabled: true })]);

    const adopted = await seededAccount();
    await adopted.fake.clients().guardduty.send(new UpdateDetectorCommand({ DetectorId: adopted.detectorId, Enable: false }));
    expect((await adopted.simulateEvent('Create', adoptProps())).Status).toBe('SUCCESS');
    expect(detectors(adopted)).toEqual([expect.objectContaining({ enabled: false, frequency: 'SIX_HOURS', tags: { team: 'security' } })]);
  });
});

describe('defect 10: the audit of pipeline "ab" with pipeline "ab-src-x" beside it', () => {
  it("does not report the other pipeline's rules, which share the name prefix, as drift", async () => {
    const h = makeHarness();
    const ab = { PipelineName: 'ab', EnableCloudTrail: 'false', EnableFlowLogs: 'false', EnableGuardDuty: 'false', ExtraEventSources: 'aws.health' };
    const other = { ...ab, PipelineName: 'ab-src-x', EnableGuardDuty: 'true', ExtraEventSources: 'aws.securityhub' };
    expect((await h.simulateEvent('Create', ab)).Status).toBe('SUCCESS');
    expect((await h.simulateEvent('Create', other)).Status).toBe('SUCCESS');
    expect(namesOf('ab-src-x').guardDutyRule.startsWith(namesOf('ab').sourceRulePrefix)).toBe(true);

    const { config, ctx } = readOnlyContext(h, ab);
    const report = await auditPipeline(config, ctx, new PipelineEngine(defaultComponents()));

    expect(report.components.find((c) => c.id === 'event-sources')).toMatchObject({ state: 'present', result: 'ok' });
    expect(report.summary.findings).toBe(0);
  });
});

scanLogsForSecrets([]);
