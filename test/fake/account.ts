import { randomUUID } from 'node:crypto';
import { createClients, type AwsClients, type DecoratableClient, type ServiceKey } from '../../src/aws/clients';
import { partitionOf, pipelineNames } from '../../src/config/names';
import { CloudFormationFake } from './cloudformation';
import { CloudTrailFake } from './cloudtrail';
import { Ec2Fake } from './ec2';
import { EventBridgeFake } from './eventbridge';
import { FaultPlan, isReadCommand, type ErrorSpec, type FakeCall } from './faults';
import { GuardDutyFake } from './guardduty';
import { IamFake } from './iam';
import { KinesisFake } from './kinesis';
import { LogsFake } from './logs';
import { S3Fake } from './s3';
import { SecretsManagerFake } from './secrets-manager';
import { deepCopy, type FakeEnv, type FakeService, type OwnedResource, type TransitionTiming } from './service';
import { instantRetries } from './sdk';

export type { ErrorSpec, FakeCall } from './faults';
export type { OwnedResource } from './service';

export interface FakeAccountOptions {
  account?: string;
  region?: string;
  /** The account's clock (ms); transitions with `ms` timing use it. Default: Date.now. */
  now?: () => number;
  /** Seed of the id generator: the same seed gives the same ids, ARN suffixes and keys. */
  seed?: number;
  /** How long a stream stays CREATING / UPDATING / DELETING. Default: one describe call. */
  streamTransition?: TransitionTiming;
  /** How long a stream stays UPDATING after a change (encryption, mode, shards). Default: streamTransition. */
  streamUpdate?: TransitionTiming;
  kinesisShardLimit?: number;
  /** How long a new or changed IAM role stays unusable by the services that assume it. Default: one attempt. */
  rolePropagation?: TransitionTiming;
  /** Subscription filters per log group (default 2, the quota page's value). */
  filtersPerGroup?: number;
  /** Largest page each listing returns: small EC2 pages (default 5) make callers follow NextToken. */
  pageSizes?: { ec2?: number; logs?: number; s3?: number };
  /** Awaited before each call is answered: a latency model on a fake clock plugs in here. */
  latency?: (call: FakeCall) => Promise<void>;
  /**
   * Another region of the same account (see `inRegion`): IAM is global and multi-region trails are seen
   * from every region, so both are shared; every other service is regional and stays apart.
   */
  sameAccountAs?: FakeAccount;
}

/** Credentials for clients pointed at the fake: never used to sign anything real. */
export const FAKE_CREDENTIALS = { accessKeyId: 'AKIAFAKEACCOUNTTESTS', secretAccessKey: 'fake-account-secret-not-a-real-key' };

/**
 * An in-memory AWS account for lifecycle tests: it keeps state per service and answers REAL SDK v3
 * clients through a middleware (see `decorate`), with AWS's error names, response shapes and state
 * transitions. Faults can be injected per call, and a call log and snapshots let tests check what
 * the code did and what is left in the account.
 */
export class FakeAccount {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly kinesis: KinesisFake;
  readonly iam: IamFake;
  readonly secrets: SecretsManagerFake;
  readonly logs: LogsFake;
  readonly s3: S3Fake;
  readonly cloudtrail: CloudTrailFake;
  readonly ec2: Ec2Fake;
  readonly guardduty: GuardDutyFake;
  readonly events: EventBridgeFake;
  /** The provisioner's own stack, whose status the request guard reads. */
  readonly cloudformation: CloudFormationFake;
  /** Every call in this run, in arrival order. */
  readonly calls: FakeCall[] = [];

  private readonly services: Record<ServiceKey, FakeService>;
  private readonly faults = new FaultPlan();
  private readonly occurrences = new Map<string, number>();
  private readonly hung: ((err: Error) => void)[] = [];
  private readonly latency: ((call: FakeCall) => Promise<void>) | undefined;

  constructor(private readonly opts: FakeAccountOptions = {}) {
    this.account = opts.sameAccountAs?.account ?? opts.account ?? '123456789012';
    this.region = opts.region ?? 'us-east-1';
    this.partition = partitionOf(this.region);
    this.latency = opts.latency;
    const env = makeEnv(this.account, this.region, this.partition, opts.now ?? Date.now, opts.seed ?? 1);
    this.kinesis = new KinesisFake(env, {
      timing: opts.streamTransition ?? { describes: 1 },
      updateTiming: opts.streamUpdate,
      shardLimit: opts.kinesisShardLimit ?? 200,
    });
    this.iam = opts.sameAccountAs?.iam ?? new IamFake(env, { rolePropagation: opts.rolePropagation ?? { describes: 1 } });
    this.secrets = new SecretsManagerFake(env);
    this.logs = new LogsFake(
      env,
      { kinesis: this.kinesis, iam: this.iam },
      { filtersPerGroup: opts.filtersPerGroup ?? 2, pageSize: opts.pageSizes?.logs ?? 50 },
    );
    this.s3 = new S3Fake(env, { pageSize: opts.pageSizes?.s3 ?? 1000 });
    this.cloudtrail = new CloudTrailFake(env, { s3: this.s3, logs: this.logs, iam: this.iam }, opts.sameAccountAs?.cloudtrail);
    this.ec2 = new Ec2Fake(env, { logs: this.logs, iam: this.iam }, { pageSize: opts.pageSizes?.ec2 ?? 5 });
    this.guardduty = new GuardDutyFake(env);
    this.events = new EventBridgeFake(env, { kinesis: this.kinesis, iam: this.iam });
    this.cloudformation = new CloudFormationFake(env);
    this.services = {
      kinesis: this.kinesis,
      iam: this.iam,
      secrets: this.secrets,
      logs: this.logs,
      s3: this.s3,
      cloudtrail: this.cloudtrail,
      ec2: this.ec2,
      guardduty: this.guardduty,
      events: this.events,
      cloudformation: this.cloudformation,
    };
  }

  /** The same account seen from another region: shared IAM and CloudTrail trails, the rest regional. */
  inRegion(region: string): FakeAccount {
    return new FakeAccount({ ...this.opts, region, sameAccountAs: this, seed: (this.opts.seed ?? 1) + 1 + this.regionCount++ });
  }

  private regionCount = 0;

  /**
   * Pass as `createClients({ decorate })`: adds a middleware at the start of the deserialize step that
   * answers from the fake instead of sending the request. It sits after the SDK's retry middleware, so
   * SDK retries and waiters behave as they do against AWS.
   */
  readonly decorate = (client: DecoratableClient, service: ServiceKey): void => {
    const middleware =
      (_next: unknown, context: { commandName?: string }) =>
      (args: { input: Record<string, unknown> }): Promise<{ output: unknown; response: unknown }> =>
        this.invoke(service, (context.commandName ?? 'Unknown').replace(/Command$/, ''), args.input);
    client.middlewareStack.add(middleware as never, { step: 'deserialize', priority: 'high', name: 'fakeAccount' } as never);
  };

  /** SDK clients wired to this account, with instant SDK retries. */
  clients(): AwsClients {
    return createClients({ region: this.region, credentials: FAKE_CREDENTIALS, retryStrategy: instantRetries(), decorate: this.decorate });
  }

  // ---- fault injection ----

  /**
   * The call with this operation label (`iam:CreateRole#2`, see FakeCall.op) fails, and so does every later
   * call of the same operation until `clearFaults`.
   */
  failAt(op: string, error?: ErrorSpec): this {
    this.faults.failAt(op, error);
    return this;
  }

  /** The call with this operation label is throttled once (the SDK retries it as a later occurrence). */
  throttleAt(op: string): this {
    this.faults.throttleAt(op);
    return this;
  }

  /** Every call matching `when` fails until `clearFaults`. */
  failWhen(when: (call: FakeCall) => boolean, error?: ErrorSpec): this {
    this.faults.failWhen(when, error);
    return this;
  }

  /** Calls of `command` (optionally of one service) never answer, until `releaseHung`. */
  hang(command: string, service?: ServiceKey): this {
    this.faults.hang(command, service);
    return this;
  }

  clearFaults(): this {
    this.faults.clear();
    return this;
  }

  /** Rejects every hung call, so nothing is left pending after a timeout test. */
  releaseHung(): void {
    for (const reject of this.hung.splice(0)) reject(new Error('fake account: hung call released'));
  }

  /** Starts a new run: empties the call log and numbers calls (and each operation's occurrences) from 1 again. */
  resetCalls(): this {
    this.calls.length = 0;
    this.occurrences.clear();
    return this;
  }

  /** Calls that may have changed something (anything but Describe/Get/List/...). */
  writes(): FakeCall[] {
    return this.calls.filter((c) => !isReadCommand(c.command));
  }

  // ---- inspection ----

  /** Everything in the account, as plain data (a deep copy). */
  snapshot(): Record<string, unknown> {
    return deepCopy(Object.fromEntries(Object.entries(this.services).map(([k, s]) => [k, s.snapshot()])));
  }

  /**
   * What a pipeline owns: resources tagged with `tagValueOrPipelineName` (the pipeline name or the stack id)
   * or carrying one of the pipeline's deterministic names. Streams being deleted are not counted.
   */
  resourcesOwnedBy(tagValueOrPipelineName: string): OwnedResource[] {
    const names = new Set<string>();
    try {
      const n = pipelineNames(tagValueOrPipelineName, this.region, this.account);
      for (const v of Object.values(n)) if (typeof v === 'string') names.add(v);
    } catch {
      // Not a valid pipeline name (a stack id, say): match by tag only.
    }
    return Object.values(this.services).flatMap((s) => s.owned({ tagValue: tagValueOrPipelineName, names }));
  }

  // ---- dispatch ----

  private async invoke(service: ServiceKey, command: string, input: Record<string, unknown>): Promise<{ output: unknown; response: unknown }> {
    const operation = `${service}:${command}`;
    const occurrence = (this.occurrences.get(operation) ?? 0) + 1;
    this.occurrences.set(operation, occurrence);
    const call: FakeCall = { index: this.calls.length + 1, service, command, op: `${operation}#${occurrence}`, input: deepCopy(input) };
    this.calls.push(call);
    const svc = this.services[service];
    if (this.latency) await this.latency(call);
    const fault = this.faults.decide(call);
    if (fault?.type === 'hang') {
      call.outcome = 'hung';
      return new Promise((_resolve, reject) => this.hung.push(reject));
    }
    try {
      if (fault?.type === 'throttle') throw svc.errors.throttling(command);
      if (fault?.type === 'fail') throw this.injected(svc, call, fault.spec);
      const result = await svc.handle(command, input);
      call.outcome = 'ok';
      return { output: { $metadata: { httpStatusCode: 200, requestId: randomUUID() }, ...deepCopy(result as object) }, response: {} };
    } catch (err) {
      call.outcome = err instanceof Error ? err.name : 'error';
      throw err;
    }
  }

  private injected(svc: FakeService, call: FakeCall, spec: ErrorSpec | undefined): Error {
    // The same text on every repeat, as AWS sends: waiters and logs then group the repeats.
    const note = ' (fault injected by the fake account)';
    if (spec === undefined) return svc.errors.accessDenied(call.command, this.account, note);
    if (typeof spec === 'string') return svc.errors.make(spec, `${spec} on ${call.command}${note}`);
    if (typeof spec === 'function') return spec(call);
    return spec;
  }
}

function makeEnv(account: string, region: string, partition: string, now: () => number, seed: number): FakeEnv {
  let state = seed >>> 0;
  // mulberry32: small, fast and deterministic, so runs repeat exactly.
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const random = (length: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789') =>
    Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
  return {
    account,
    region,
    partition,
    now,
    random,
    uuid: () =>
      `${random(8, '0123456789abcdef')}-${random(4, '0123456789abcdef')}-4${random(3, '0123456789abcdef')}-a${random(3, '0123456789abcdef')}-${random(12, '0123456789abcdef')}`,
  };
}
