// Shared by the lifecycle*.test.ts suites: handleRequest wired to fake components that record their calls.
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { RequestFailedError, type RequestResult } from '../../../../src/handlers/cfn/safe-handler';
import type { StackIdentity } from '../../../../src/engine/stack-identity';
import type { PipelineConfig } from '../../../../src/config/pipeline-config';
import { createLogger, type Logger } from '../../../../src/support/log';
import type { Component } from '../../../../src/components/component';
import type { PipelineContext } from '../../../../src/components/context';
import { PipelineEngine } from '../../../../src/engine/engine';
import { handleRequest, type LifecycleDeps } from '../../../../src/handlers/cfn/lifecycle';
import { ACCOUNT, REGION } from './events';

export const idOf = (name: string) => `siem-pipeline/${ACCOUNT}/${REGION}/${name}`;
export const REJECTED = 'siem-pipeline/rejected/Pipeline';

/** Fake components recording "op id name" and failing where told; plain objects implementing Component. */
export function setup(opts: { guardDutyShared?: boolean; guardDutyCommits?: boolean } = {}) {
  const calls: string[] = [];
  const failures = new Map<string, Error>();
  const step = async (op: string, id: string, config: PipelineConfig) => {
    calls.push(`${op} ${id} ${config.name}`);
    const failure = failures.get(`${op} ${id}`);
    if (failure) throw failure;
  };
  const make = (
    id: string,
    dependsOn: string[],
    enabled: (c: PipelineConfig) => boolean,
    outputs: (c: PipelineConfig) => Record<string, string>,
  ): Component => {
    return {
      id,
      dependsOn,
      enabled: (c) => enabled(c),
      ensure: async (c) => {
        await step('ensure', id, c);
        return outputs(c);
      },
      remove: (c) => step('remove', id, c),
      inspect: async () => ({ state: 'absent' }),
      plan: async () => [],
    };
  };
  const engine = new PipelineEngine([
    make(
      'stream',
      [],
      () => true,
      (c) => ({ StreamName: `siem-${c.name}` }),
    ),
    make(
      'siem-user',
      ['stream'],
      (c) => c.siemAccess.kind === 'IamUser',
      () => ({ SecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:x' }),
    ),
    {
      ...make(
        'guardduty',
        ['stream'],
        (c) => c.guardDuty.enabled,
        () => ({}),
      ),
      ...(opts.guardDutyShared ? { sharedAcrossRename: true } : {}),
      ...(opts.guardDutyCommits ? { commit: (c: PipelineConfig) => step('commit', 'guardduty', c) } : {}),
    },
  ]);
  const lines: string[] = [];
  const log = createLogger({ sink: (l) => lines.push(l), level: 'debug' });
  const contextFor = jest.fn((config: PipelineConfig, identity: StackIdentity, l: Logger) => {
    // The fake components read only the config; the context just has to be the one built for it.
    return {
      account: identity.account,
      region: identity.region,
      stackId: identity.stackId,
      log: l,
      clock: { now: () => 0, sleep: async () => undefined },
      pipeline: config.name,
    } as unknown as PipelineContext;
  });
  const refusal: { stack?: Error; status?: Error } = {};
  const guard: LifecycleDeps['guard'] = {
    checkStack: () => {
      if (refusal.stack) throw refusal.stack;
    },
    checkStatus: async () => {
      if (refusal.status) throw refusal.status;
    },
  };
  const preflight = jest.fn(async (_config: PipelineConfig, _ctx: PipelineContext) => undefined);
  // No CloudTrail lookup: these components do not model the trail (test/lifecycle/multi-region-trail.test.ts does).
  const deps: LifecycleDeps = { engine, contextFor, guard, trailHome: async () => undefined, preflight };
  const run = (event: CloudFormationCustomResourceEvent): Promise<RequestResult> => handleRequest(event, deps, log);
  return { calls, failures, deps, contextFor, preflight, run, lines, refusal };
}

/** The RequestFailedError a request rejects with (the test fails if it resolves or throws something else). */
export async function failureOf(p: Promise<unknown>): Promise<RequestFailedError> {
  await expect(p).rejects.toBeInstanceOf(RequestFailedError);
  return p.then(
    () => {
      throw new Error('resolved');
    },
    (err: unknown) => err as RequestFailedError,
  );
}

export const PROPS = { PipelineName: 'prod' };
