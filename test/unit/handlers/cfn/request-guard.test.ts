import { REQUEST_STATUSES, RequestRefusedError, stackRequestGuard } from '../../../../src/handlers/cfn/request-guard';
import { FakeAccount } from '../../../fake/account';
import { createEvent, deleteEvent, STACK_ID, updateEvent } from './events';

/** Every stack status DescribeStacks can answer (StackStatus enum of the CloudFormation API). */
const ALL_STATUSES = [
  'CREATE_IN_PROGRESS',
  'CREATE_FAILED',
  'CREATE_COMPLETE',
  'ROLLBACK_IN_PROGRESS',
  'ROLLBACK_FAILED',
  'ROLLBACK_COMPLETE',
  'DELETE_IN_PROGRESS',
  'DELETE_FAILED',
  'DELETE_COMPLETE',
  'UPDATE_IN_PROGRESS',
  'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
  'UPDATE_COMPLETE',
  'UPDATE_FAILED',
  'UPDATE_ROLLBACK_IN_PROGRESS',
  'UPDATE_ROLLBACK_FAILED',
  'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
  'UPDATE_ROLLBACK_COMPLETE',
  'REVIEW_IN_PROGRESS',
  'IMPORT_IN_PROGRESS',
  'IMPORT_COMPLETE',
  'IMPORT_ROLLBACK_IN_PROGRESS',
  'IMPORT_ROLLBACK_FAILED',
  'IMPORT_ROLLBACK_COMPLETE',
];

const ID = 'siem-pipeline/123456789012/eu-west-1/prod';
const EVENTS = {
  Create: createEvent({ PipelineName: 'prod' }),
  Update: updateEvent(ID, { PipelineName: 'prod' }, { PipelineName: 'prod' }),
  Delete: deleteEvent(ID, { PipelineName: 'prod' }),
};

function guardOn(status: string | undefined) {
  const fake = new FakeAccount({ account: '123456789012', region: 'eu-west-1' });
  if (status) fake.cloudformation.setStack(STACK_ID, status);
  const clients = fake.clients();
  return { fake, guard: stackRequestGuard(STACK_ID, () => clients.cloudformation) };
}

describe('stackRequestGuard.checkStatus', () => {
  const cases = (['Create', 'Update', 'Delete'] as const).flatMap((type) =>
    ALL_STATUSES.map((status) => [type, status, REQUEST_STATUSES[type].includes(status)] as const),
  );

  it('names only statuses DescribeStacks can answer, and every status it names is *_IN_PROGRESS', () => {
    for (const statuses of Object.values(REQUEST_STATUSES)) {
      for (const s of statuses) {
        expect(ALL_STATUSES).toContain(s);
        expect(s).toMatch(/_IN_PROGRESS$/);
      }
    }
  });

  it.each(cases)('%s while the stack is %s: admitted %s', async (type, status, admitted) => {
    const { fake, guard } = guardOn(status);
    const check = guard.checkStatus(EVENTS[type]);
    if (admitted) await expect(check).resolves.toBeUndefined();
    else
      await expect(check).rejects.toThrow(
        new RequestRefusedError(`CloudFormation sends no ${type} while the stack is ${status} (only in ${REQUEST_STATUSES[type].join(', ')})`),
      );
    expect(fake.calls.map((c) => [c.op, c.input])).toEqual([['cloudformation:DescribeStacks#1', { StackName: STACK_ID }]]);
  });

  it('refuses when the stack cannot be read (the error is named)', async () => {
    const { guard } = guardOn(undefined);
    await expect(guard.checkStatus(EVENTS.Delete)).rejects.toThrow(
      `the stack's status could not be read: ValidationError: Stack with id ${STACK_ID} does not exist`,
    );
  });

  it('refuses when DescribeStacks is denied', async () => {
    const { fake, guard } = guardOn('DELETE_IN_PROGRESS');
    fake.failAt('cloudformation:DescribeStacks#1');
    await expect(guard.checkStatus(EVENTS.Delete)).rejects.toBeInstanceOf(RequestRefusedError);
  });
});

describe('stackRequestGuard.checkStack', () => {
  it.each([
    ['its own stack', STACK_ID, STACK_ID, undefined],
    ['another stack of the account', STACK_ID, STACK_ID.replace('stack/siem/', 'stack/other/'), 'the request is for stack'],
    ['another stack with the same name', STACK_ID, STACK_ID.replace(/[0-9a-f-]+$/, '00000000-0000-0000-0000-000000000000'), 'the request is for stack'],
    ['any stack when STACK_ID is not set', undefined, STACK_ID, 'STACK_ID is not set'],
  ])('%s', (_what, own, eventStack, refusal) => {
    const guard = stackRequestGuard(own, () => {
      throw new Error('checkStack must make no AWS call');
    });
    const check = () => guard.checkStack({ ...EVENTS.Create, StackId: eventStack });
    if (refusal === undefined) expect(check).not.toThrow();
    else expect(check).toThrow(refusal);
  });
});
