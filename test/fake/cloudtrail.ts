import { type EventSelector, type Tag } from '@aws-sdk/client-cloudtrail';
import { checkedTags } from './tag-rules';
import { fromTagList, matchesOwner, notModelled, toTagList, type FakeService, type OwnedResource, type OwnerMatch } from './service';
import { CloudTrailTrails, TRAILS_PER_REGION, type Input, type SeedTrail, type TrailState } from './cloudtrail-state';

export { TRAILS_PER_REGION, type SeedTrail } from './cloudtrail-state';

/**
 * CloudTrail: trails with home regions (multi-region trails of another home region show up as shadow
 * trails and refuse changes), the limit of 5 per region, and the checks CreateTrail/UpdateTrail make of
 * the bucket policy, the log group and the role it would deliver with.
 */
export class CloudTrailFake extends CloudTrailTrails implements FakeService {
  private readonly handlers: Record<string, (i: Input) => unknown> = {
    CreateTrail: (i) => this.view(this.createTrail(i), false),
    UpdateTrail: (i) => this.view(this.updateTrail(i), false),
    DeleteTrail: (i) => this.deleteTrail(i),
    GetTrail: (i) => ({ Trail: this.view(this.trail(i.Name)) }),
    DescribeTrails: (i) => this.describeTrails(i),
    ListTrails: () => ({ Trails: this.visible().map((t) => ({ TrailARN: t.arn, Name: t.name, HomeRegion: t.homeRegion })) }),
    GetTrailStatus: (i) => ({ IsLogging: this.trail(i.Name).logging }),
    StartLogging: (i) => this.setLogging(i.Name, true),
    StopLogging: (i) => this.setLogging(i.Name, false),
    PutEventSelectors: (i) => this.putSelectors(i),
    GetEventSelectors: (i) => ({ TrailARN: this.trail(i.TrailName).arn, EventSelectors: this.trail(i.TrailName).selectors }),
    AddTags: (i) => this.tag(i.ResourceId, i.TagsList as Tag[] | undefined),
    RemoveTags: (i) => this.untag(i.ResourceId, i.TagsList as Tag[] | undefined),
    ListTags: (i) => ({
      ResourceTagList: ((i.ResourceIdList as string[] | undefined) ?? []).map((id) => ({ ResourceId: id, TagsList: toTagList(this.trail(id).tags) })),
    }),
  };

  readonly commands = Object.keys(this.handlers);

  handle(command: string, input: Record<string, unknown>): unknown {
    const h = this.handlers[command];
    if (!h) return notModelled(this.key, command);
    return h(input);
  }

  /** Adds a trail that exists before the test (possibly managed from another home region). */
  seedTrail(seed: SeedTrail): string {
    const homeRegion = seed.homeRegion ?? this.env.region;
    const t: TrailState = {
      name: seed.name,
      arn: `arn:${this.env.partition}:cloudtrail:${homeRegion}:${this.env.account}:trail/${seed.name}`,
      homeRegion,
      bucket: seed.bucket ?? `aws-cloudtrail-logs-${this.env.account}-${this.env.random(8)}`,
      multiRegion: seed.multiRegion ?? homeRegion !== this.env.region,
      globalEvents: true,
      validation: true,
      ...(seed.logGroupArn ? { logGroupArn: seed.logGroupArn } : {}),
      logging: true,
      tags: { ...(seed.tags ?? {}) },
      selectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [] }],
    };
    this.trails.set(t.arn, t);
    return t.arn;
  }

  /**
   * A management event as the trails of this region record it: written to each logging trail's log group
   * (and so to its subscription filters). Returns the number of log groups it reached.
   */
  recordEvent(event: Record<string, unknown>): number {
    let reached = 0;
    for (const t of this.visible().filter((x) => x.logging && x.logGroupArn)) {
      const group = /:log-group:(.+?)(:\*)?$/.exec(t.logGroupArn!)?.[1];
      const stream = `${t.logGroupArn!.replace(/:\*$/, '')}:log-stream:${this.env.account}_CloudTrail_${this.env.region}`;
      // Each delivery assumes the trail's role again, with no context keys (caller-context.ts: cloudtrail->logs).
      const roleOk =
        !t.roleArn ||
        this.links.iam.useRole(
          t.roleArn,
          'cloudtrail->logs',
          { sourceArn: t.arn, sourceAccount: this.env.account },
          ['logs:CreateLogStream', 'logs:PutLogEvents'],
          stream,
        ).ok;
      if (group && roleOk && this.links.logs.hasGroup(group)) {
        this.links.logs.ingest(group, `${this.env.account}_CloudTrail_${this.env.region}`, [JSON.stringify(event)]);
        reached++;
      }
    }
    return reached;
  }

  snapshot(): unknown {
    return [...this.trails.values()].map((t) => ({
      name: t.name,
      arn: t.arn,
      homeRegion: t.homeRegion,
      bucket: t.bucket,
      multiRegion: t.multiRegion,
      validation: t.validation,
      logging: t.logging,
      ...(t.logGroupArn ? { logGroupArn: t.logGroupArn, roleArn: t.roleArn } : {}),
      tags: { ...t.tags },
    }));
  }

  owned(match: OwnerMatch): OwnedResource[] {
    return [...this.trails.values()].filter((t) => matchesOwner(match, t.name, t.tags)).map((t) => ({ service: this.key, type: 'trail', id: t.name }));
  }

  // ---- commands ----

  private createTrail(i: Input): TrailState {
    const name = String(i.Name ?? '');
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$/.test(name) || /[._-]{2}/.test(name)) {
      throw this.errors.make(
        'InvalidTrailNameException',
        'Trail name must start with a letter or number, end with a letter or number, and contain only letters, numbers, periods, underscores and dashes; 3 to 128 characters.',
      );
    }
    const arn = `arn:${this.env.partition}:cloudtrail:${this.env.region}:${this.env.account}:trail/${name}`;
    // A shadow trail (a multi-region trail of another home region) holds its name here too: undocumented, so refused.
    if (this.trails.has(arn) || this.visible().some((t) => t.name === name)) {
      throw this.errors.make('TrailAlreadyExistsException', `Trail ${name} already exists for customer: ${this.env.account}`);
    }
    if (this.visible().length >= TRAILS_PER_REGION) {
      throw this.errors.make(
        'MaximumNumberOfTrailsExceededException',
        `User: ${this.env.account} already has ${TRAILS_PER_REGION} trails in ${this.env.region}.`,
      );
    }
    const t: TrailState = {
      name,
      arn,
      homeRegion: this.env.region,
      bucket: String(i.S3BucketName ?? ''),
      ...(i.S3KeyPrefix ? { prefix: String(i.S3KeyPrefix) } : {}),
      multiRegion: i.IsMultiRegionTrail === true,
      globalEvents: i.IncludeGlobalServiceEvents !== false,
      validation: i.EnableLogFileValidation === true,
      ...(i.CloudWatchLogsLogGroupArn ? { logGroupArn: String(i.CloudWatchLogsLogGroupArn) } : {}),
      ...(i.CloudWatchLogsRoleArn ? { roleArn: String(i.CloudWatchLogsRoleArn) } : {}),
      ...(i.KmsKeyId ? { kmsKeyId: String(i.KmsKeyId) } : {}),
      logging: false,
      tags: checkedTags('cloudtrail', fromTagList(i.TagsList as Tag[] | undefined), (m) => this.errors.make('InvalidTagParameterException', m)),
      selectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [] }],
    };
    this.checkDelivery(t);
    this.trails.set(arn, t);
    return t;
  }

  private updateTrail(i: Input): TrailState {
    const current = this.managed(i.Name);
    const next: TrailState = { ...current };
    if (i.S3BucketName !== undefined) next.bucket = String(i.S3BucketName);
    if (i.S3KeyPrefix !== undefined) next.prefix = String(i.S3KeyPrefix);
    if (i.IsMultiRegionTrail !== undefined) next.multiRegion = i.IsMultiRegionTrail === true;
    if (i.IncludeGlobalServiceEvents !== undefined) next.globalEvents = i.IncludeGlobalServiceEvents === true;
    if (i.EnableLogFileValidation !== undefined) next.validation = i.EnableLogFileValidation === true;
    if (i.CloudWatchLogsLogGroupArn !== undefined) next.logGroupArn = String(i.CloudWatchLogsLogGroupArn) || undefined;
    if (i.CloudWatchLogsRoleArn !== undefined) next.roleArn = String(i.CloudWatchLogsRoleArn) || undefined;
    this.checkDelivery(next);
    this.trails.set(next.arn, next);
    return next;
  }

  private deleteTrail(i: Input): Record<string, never> {
    const t = this.managed(i.Name);
    this.trails.delete(t.arn);
    return {};
  }

  private describeTrails(i: Input): unknown {
    const names = i.trailNameList as string[] | undefined;
    const shadows = i.includeShadowTrails !== false;
    const all = this.visible().filter((t) => shadows || t.homeRegion === this.env.region);
    // Names match trails of this region only; a trail of another region is found by its ARN.
    const picked = names && names.length > 0 ? all.filter((t) => (names.includes(t.name) && t.homeRegion === this.env.region) || names.includes(t.arn)) : all;
    return { trailList: picked.map((t) => this.view(t)) };
  }

  private setLogging(id: unknown, on: boolean): Record<string, never> {
    this.managed(id).logging = on;
    return {};
  }

  private putSelectors(i: Input): unknown {
    const t = this.managed(i.TrailName);
    t.selectors = (i.EventSelectors as EventSelector[] | undefined) ?? [];
    return { TrailARN: t.arn, EventSelectors: t.selectors };
  }

  private tag(id: unknown, tags: Tag[] | undefined): Record<string, never> {
    const t = this.trail(id);
    t.tags = { ...t.tags, ...checkedTags('cloudtrail', fromTagList(tags), (m) => this.errors.make('InvalidTagParameterException', m)) };
    return {};
  }

  private untag(id: unknown, tags: Tag[] | undefined): Record<string, never> {
    const t = this.trail(id);
    for (const tag of tags ?? []) if (tag.Key) delete t.tags[tag.Key];
    return {};
  }
}
