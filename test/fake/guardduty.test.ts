import {
  BadRequestException,
  CreateDetectorCommand,
  GetDetectorCommand,
  ListDetectorsCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-guardduty';
import { FakeAccount } from './account';

describe('fake GuardDuty', () => {
  it('keeps one detector per region: a second CreateDetector fails, as GuardDuty does', async () => {
    const fake = new FakeAccount();
    const { guardduty } = fake.clients();
    const { DetectorId } = await guardduty.send(
      new CreateDetectorCommand({ Enable: true, FindingPublishingFrequency: 'FIFTEEN_MINUTES', Tags: { 'siem-pipeline:name': 'demo' } }),
    );

    await expect(guardduty.send(new CreateDetectorCommand({ Enable: true }))).rejects.toMatchObject({
      name: 'BadRequestException',
      message: 'The request is rejected because a detector already exists for the current account.',
    });
    expect((await guardduty.send(new ListDetectorsCommand({}))).DetectorIds).toEqual([DetectorId]);
    expect(await guardduty.send(new GetDetectorCommand({ DetectorId }))).toMatchObject({ Status: 'ENABLED', FindingPublishingFrequency: 'FIFTEEN_MINUTES' });
    expect((await guardduty.send(new ListTagsForResourceCommand({ ResourceArn: fake.guardduty.arnOf(DetectorId!) }))).Tags).toEqual({
      'siem-pipeline:name': 'demo',
    });
    expect(fake.resourcesOwnedBy('demo')).toEqual([{ service: 'guardduty', type: 'detector', id: DetectorId }]);
  });

  it('answers an unknown detector id with BadRequestException', async () => {
    const { guardduty } = new FakeAccount().clients();
    await expect(guardduty.send(new GetDetectorCommand({ DetectorId: '0123456789abcdef0123456789abcdef' }))).rejects.toBeInstanceOf(BadRequestException);
  });

  it('tags and untags a detector; refuses tag keys and values outside the documented pattern and lengths', async () => {
    const fake = new FakeAccount();
    const { guardduty } = fake.clients();
    const { DetectorId } = await guardduty.send(new CreateDetectorCommand({ Enable: true, Tags: { team: 'security' } }));
    const ResourceArn = fake.guardduty.arnOf(DetectorId!);
    await guardduty.send(
      new TagResourceCommand({ ResourceArn, Tags: { 'siem-pipeline:adopted-stack': 'arn:aws:cloudformation:us-east-1:123456789012:stack/s/1' } }),
    );
    await guardduty.send(new UntagResourceCommand({ ResourceArn, TagKeys: ['team'] }));
    expect((await guardduty.send(new ListTagsForResourceCommand({ ResourceArn }))).Tags).toEqual({
      'siem-pipeline:adopted-stack': 'arn:aws:cloudformation:us-east-1:123456789012:stack/s/1',
    });

    const bad: Record<string, string>[] = [{ 'aws:reserved': 'x' }, { 'has space': 'x' }, { ['k'.repeat(129)]: 'x' }, { k: 'v'.repeat(257) }];
    for (const Tags of bad) {
      await expect(guardduty.send(new TagResourceCommand({ ResourceArn, Tags }))).rejects.toBeInstanceOf(BadRequestException);
    }
  });
});
