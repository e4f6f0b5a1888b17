import { AccessDeniedException, BadRequestException, GuardDutyServiceException, InternalServerErrorException } from '@aws-sdk/client-guardduty';
import { ErrorFactory } from './errors';
import { checkedTags } from './tag-rules';
import { matchesOwner, notModelled, type FakeEnv, type FakeService, type OwnedResource, type OwnerMatch } from './service';

interface DetectorState {
  id: string;
  enabled: boolean;
  frequency: string;
  created: string;
  updated: string;
  tags: Record<string, string>;
}

type Input = Record<string, unknown>;

/**
 * GuardDuty: at most one detector per account and region. CreateDetector fails when one exists, and an
 * unknown detector id is a BadRequestException, as GuardDuty answers.
 */
export class GuardDutyFake implements FakeService {
  readonly key = 'guardduty' as const;
  readonly errors = new ErrorFactory({
    base: GuardDutyServiceException,
    modeled: {
      AccessDeniedException: [AccessDeniedException, 403],
      BadRequestException: [BadRequestException, 400],
      InternalServerErrorException: [InternalServerErrorException, 500],
    },
    protocol: 'json',
    throttling: 'TooManyRequestsException',
    accessDenied: 'AccessDeniedException',
    actionPrefix: 'guardduty',
  });
  private readonly detectors = new Map<string, DetectorState>();

  constructor(private readonly env: FakeEnv) {}

  private readonly handlers: Record<string, (i: Input) => unknown> = {
    CreateDetector: (i) => this.create(i),
    ListDetectors: () => ({ DetectorIds: [...this.detectors.keys()] }),
    GetDetector: (i) => this.get(i),
    UpdateDetector: (i) => this.update(i),
    DeleteDetector: (i) => {
      this.detector(i.DetectorId);
      this.detectors.delete(String(i.DetectorId));
      return {};
    },
    TagResource: (i) => {
      const d = this.detectorOfArn(i.ResourceArn);
      d.tags = {
        ...d.tags,
        ...checkedTags('guardduty', { ...((i.Tags as Record<string, string> | undefined) ?? {}) }, (m) => this.errors.make('BadRequestException', m)),
      };
      return {};
    },
    UntagResource: (i) => {
      const d = this.detectorOfArn(i.ResourceArn);
      for (const k of (i.TagKeys as string[] | undefined) ?? []) delete d.tags[k];
      return {};
    },
    ListTagsForResource: (i) => ({ Tags: { ...this.detectorOfArn(i.ResourceArn).tags } }),
  };

  readonly commands = Object.keys(this.handlers);

  handle(command: string, input: Record<string, unknown>): unknown {
    const h = this.handlers[command];
    if (!h) return notModelled(this.key, command);
    return h(input);
  }

  arnOf(id: string): string {
    return `arn:${this.env.partition}:guardduty:${this.env.region}:${this.env.account}:detector/${id}`;
  }

  snapshot(): unknown {
    return [...this.detectors.values()].map((d) => ({ id: d.id, enabled: d.enabled, frequency: d.frequency, tags: { ...d.tags } }));
  }

  owned(match: OwnerMatch): OwnedResource[] {
    return [...this.detectors.values()].filter((d) => matchesOwner(match, '', d.tags)).map((d) => ({ service: this.key, type: 'detector', id: d.id }));
  }

  private create(i: Input): unknown {
    if (this.detectors.size > 0)
      throw this.errors.make('BadRequestException', 'The request is rejected because a detector already exists for the current account.');
    const frequency = String(i.FindingPublishingFrequency ?? 'SIX_HOURS');
    this.checkFrequency(frequency);
    const now = new Date(this.env.now()).toISOString();
    const d: DetectorState = {
      id: this.env.random(32, '0123456789abcdef'),
      enabled: i.Enable !== false,
      frequency,
      created: now,
      updated: now,
      tags: checkedTags('guardduty', { ...((i.Tags as Record<string, string> | undefined) ?? {}) }, (m) => this.errors.make('BadRequestException', m)),
    };
    this.detectors.set(d.id, d);
    return { DetectorId: d.id };
  }

  private get(i: Input): unknown {
    const d = this.detector(i.DetectorId);
    return {
      CreatedAt: d.created,
      FindingPublishingFrequency: d.frequency,
      ServiceRole: `arn:${this.env.partition}:iam::${this.env.account}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty`,
      Status: d.enabled ? 'ENABLED' : 'DISABLED',
      UpdatedAt: d.updated,
      Tags: { ...d.tags },
    };
  }

  private update(i: Input): Record<string, never> {
    const d = this.detector(i.DetectorId);
    if (i.Enable !== undefined) d.enabled = i.Enable === true;
    if (i.FindingPublishingFrequency !== undefined) {
      this.checkFrequency(String(i.FindingPublishingFrequency));
      d.frequency = String(i.FindingPublishingFrequency);
    }
    d.updated = new Date(this.env.now()).toISOString();
    return {};
  }

  private checkFrequency(f: string): void {
    if (!['FIFTEEN_MINUTES', 'ONE_HOUR', 'SIX_HOURS'].includes(f)) {
      throw this.errors.make(
        'BadRequestException',
        `The request is rejected because an invalid or out-of-range value is specified as an input parameter: findingPublishingFrequency ${f}.`,
      );
    }
  }

  private detector(id: unknown): DetectorState {
    const d = this.detectors.get(String(id));
    if (!d) throw this.errors.make('BadRequestException', 'The request is rejected because the input detectorId is not owned by the current account.');
    return d;
  }

  private detectorOfArn(arn: unknown): DetectorState {
    return this.detector(/detector\/([0-9a-f]+)$/.exec(String(arn))?.[1]);
  }
}
