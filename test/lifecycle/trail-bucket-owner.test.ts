import { pipelineNames } from '../../src/config/names';
import { ACCOUNT, makeHarness, props, REGION, scanLogsForSecrets } from './harness';

const ID = `siem-pipeline/${ACCOUNT}/${REGION}/demo`;
const BUCKET = pipelineNames('demo', REGION, ACCOUNT).trailBucket;
const WITH_TRAIL = props({ EnableCloudTrail: 'true' });

describe('the trail bucket name is predictable', () => {
  it('a bucket of that name in another account fails the Create with a clear error, and nothing is written to it', async () => {
    const h = makeHarness();
    h.fake.s3.foreignBuckets.add(BUCKET);

    const res = await h.simulateEvent('Create', WITH_TRAIL);

    expect(res.Status).toBe('FAILED');
    expect(res.Reason).toContain(`S3 bucket ${BUCKET} is not owned by account ${ACCOUNT}`);
    expect(res.Reason).toContain('Rename the pipeline (PipelineName)');
    expect(h.fake.writes().filter((c) => c.service === 's3')).toEqual([]);

    // The Delete that follows the failed Create leaves the other account's bucket alone, and succeeds.
    h.fake.resetCalls();
    const del = await h.simulateEvent('Delete', WITH_TRAIL, { id: res.PhysicalResourceId });
    expect(del.Status).toBe('SUCCESS');
    expect(h.fake.writes().filter((c) => c.service === 's3')).toEqual([]);
    expect(h.fake.resourcesOwnedBy('demo')).toEqual([]);
  });

  it('every S3 call on our bucket names our account as the expected owner (CreateBucket takes no owner)', async () => {
    const h = makeHarness();
    expect((await h.simulateEvent('Create', WITH_TRAIL)).Status).toBe('SUCCESS');
    expect((await h.simulateEvent('Delete', WITH_TRAIL, { id: ID })).Status).toBe('SUCCESS');

    const s3Calls = h.fake.calls.filter((c) => c.service === 's3' && c.command !== 'CreateBucket');
    expect(s3Calls.length).toBeGreaterThan(5);
    expect(s3Calls.filter((c) => (c.input as { ExpectedBucketOwner?: string }).ExpectedBucketOwner !== ACCOUNT).map((c) => c.op)).toEqual([]);
  });
});

scanLogsForSecrets([]);
