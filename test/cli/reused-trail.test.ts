import { StopLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { adoptProps, ORG_GROUP, ORG_TRAIL, seededAccount } from '../lifecycle/adopted-helpers';
import { STACK_ID } from '../lifecycle/harness';
import { onAccount, runOn } from './stack';

describe('audit with ExistingTrailLogGroup: the trail logging into the subscribed group', () => {
  it("is covered while the organization trail logs; a stopped trail is a finding whose fix is the trail owner's", async () => {
    const h = await seededAccount();
    expect((await h.simulateEvent('Create', adoptProps())).Status).toBe('SUCCESS');
    h.fake.cloudformation.setStack(STACK_ID, 'CREATE_COMPLETE', { parameters: adoptProps() });
    const d = onAccount(h);

    const clean = await runOn(d, ['audit', '--stack', 'siem']);
    expect(clean.out).toMatch(/^trail-log-group +yes +present +ok$/m);
    expect(clean.out).toContain('  CloudTrail: 1/1 covered\n');
    expect(clean.code).toBe(0);

    await h.fake.clients().cloudtrail.send(new StopLoggingCommand({ Name: ORG_TRAIL }));
    d.fake.resetCalls();
    const stopped = await runOn(d, ['audit', '--stack', 'siem']);
    expect(stopped.out).toContain(
      `  - trail-log-group: the trail delivering into ${ORG_GROUP} (${ORG_TRAIL}) is not logging\n    fix: aws cloudtrail start-logging --name arn:aws:cloudtrail:`,
    );
    expect(stopped.out).toContain('  CloudTrail: 0/1 covered\n');
    expect(stopped.code).toBe(1);
    expect(d.fake.writes()).toEqual([]);
  });
});
