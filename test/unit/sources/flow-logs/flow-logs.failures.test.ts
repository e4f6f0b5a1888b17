import { CreateFlowLogsCommand } from '@aws-sdk/client-ec2';
import 'aws-sdk-client-mock-jest';
import { flowLogsComponent } from '../../../../src/sources/flow-logs/flow-logs';
import { testConfig } from '../../helpers/context';
import { ec2, ROLE_ARN, vpc, serveVpcs, serveFlowLogs, createRequest, unsuccessful, created, roleNotReady, context, useFlowLogMocks } from './flow-logs-mocks';

useFlowLogMocks();

describe('flow-logs ensure', () => {
  describe('Unsuccessful[] results', () => {
    beforeEach(() => {
      serveVpcs([vpc('vpc-1'), vpc('vpc-2'), vpc('vpc-3')]);
      serveFlowLogs([]);
    });

    it.each([
      ['FlowLogAlreadyExists', 'FlowLogAlreadyExists', 'alreadyExisting'],
      ['a VPC deleted since it was listed', 'InvalidVpcID.NotFound', 'vpcsGone'],
    ])('treat %s as done', async (_name, code, logged) => {
      ec2.on(CreateFlowLogsCommand).resolves(created(['vpc-1', 'vpc-2', 'vpc-3'], [unsuccessful('vpc-2', code)]));
      const { ctx, logs } = context();
      await expect(flowLogsComponent.ensure(testConfig(), ctx)).resolves.toEqual({});
      expect(ec2).toHaveReceivedCommandTimes(CreateFlowLogsCommand, 1);
      expect(logs()).toContainEqual(
        expect.objectContaining({ message: 'created', created: { count: 2, ids: ['vpc-1', 'vpc-3'] }, [logged]: { count: 1, ids: ['vpc-2'] } }),
      );
    });

    it('retry only the VPCs refused because the new delivery role is not assumable yet', async () => {
      ec2
        .on(CreateFlowLogsCommand)
        .resolvesOnce(created(['vpc-1', 'vpc-2', 'vpc-3'], [roleNotReady('vpc-2'), roleNotReady('vpc-3')]))
        .resolvesOnce(created(['vpc-2', 'vpc-3'], [roleNotReady('vpc-3')]))
        .resolves(created(['vpc-3']));
      const { ctx, clock } = context();

      await expect(flowLogsComponent.ensure(testConfig(), ctx)).resolves.toEqual({});

      expect(ec2.commandCalls(CreateFlowLogsCommand).map((c) => c.args[0].input)).toEqual([
        createRequest(['vpc-1', 'vpc-2', 'vpc-3']),
        createRequest(['vpc-2', 'vpc-3']),
        createRequest(['vpc-3']),
      ]);
      expect(clock.sleeps).toHaveLength(2);
    });

    it('retry the whole call when it fails with InvalidParameter "Unable to assume given IAM role"', async () => {
      const err = Object.assign(new Error(`Unable to assume given IAM role: '${ROLE_ARN}'`), { name: 'InvalidParameter', $metadata: {} });
      ec2
        .on(CreateFlowLogsCommand)
        .rejectsOnce(err)
        .resolves(created(['vpc-1', 'vpc-2', 'vpc-3']));
      const { ctx, clock } = context();
      await expect(flowLogsComponent.ensure(testConfig(), ctx)).resolves.toEqual({});
      expect(ec2.commandCalls(CreateFlowLogsCommand).map((c) => c.args[0].input)).toEqual([
        createRequest(['vpc-1', 'vpc-2', 'vpc-3']),
        createRequest(['vpc-1', 'vpc-2', 'vpc-3']),
      ]);
      expect(clock.sleeps).toHaveLength(1);
    });

    it('give up on a role that never becomes assumable, naming the VPCs', async () => {
      ec2
        .on(CreateFlowLogsCommand)
        .callsFake((input: { ResourceIds: string[] }) => created(input.ResourceIds, input.ResourceIds.filter((id) => id !== 'vpc-1').map(roleNotReady)));
      const { ctx } = context();
      await expect(flowLogsComponent.ensure(testConfig(), ctx)).rejects.toThrow(
        'CreateFlowLogs failed for 2 VPC(s): vpc-2 (RoleNotAssumable: the delivery role could still not be assumed), vpc-3 (RoleNotAssumable',
      );
      // ctx.propagationRetry allows 5 attempts in the test context.
      expect(ec2).toHaveReceivedCommandTimes(CreateFlowLogsCommand, 5);
    });

    it('reject any other failure, naming the VPC and the code, without retrying it', async () => {
      ec2
        .on(CreateFlowLogsCommand)
        .resolves(created(['vpc-1', 'vpc-2', 'vpc-3'], [unsuccessful('vpc-3', 'FlowLogsLimitExceeded', 'limit of flow logs reached')]));
      const { ctx } = context();
      await expect(flowLogsComponent.ensure(testConfig(), ctx)).rejects.toThrow(
        'CreateFlowLogs failed for 1 VPC(s): vpc-3 (FlowLogsLimitExceeded: limit of flow logs reached)',
      );
      expect(ec2).toHaveReceivedCommandTimes(CreateFlowLogsCommand, 1);
    });

    it('do not retry an error that is not about the role', async () => {
      ec2
        .on(CreateFlowLogsCommand)
        .rejects(Object.assign(new Error('You are not authorized to perform this operation.'), { name: 'UnauthorizedOperation', $metadata: {} }));
      await expect(flowLogsComponent.ensure(testConfig(), context().ctx)).rejects.toThrow('You are not authorized to perform this operation.');
      expect(ec2).toHaveReceivedCommandTimes(CreateFlowLogsCommand, 1);
    });
  });
});
