/** A service whose tag rules the fake enforces. */
export type TaggingService = 'kinesis' | 'iam' | 'logs' | 's3' | 'cloudtrail' | 'events' | 'guardduty' | 'secrets';

/** The documented limits on tag keys and values of one service (lengths in Unicode characters). */
export interface TagRule {
  key: RegExp;
  value: RegExp;
  keyMax: number;
  valueMax: number;
  /** The page the rule comes from (also in test/fake/README.md). */
  doc: string;
}

/** Where a service documents no character set of its own, the general AWS rule: letters, digits, spaces and `+ - = . _ : / @`. */
const GENERAL = { key: /^[\p{L}\p{Z}\p{N}+\-=._:/@]+$/u, value: /^[\p{L}\p{Z}\p{N}+\-=._:/@]*$/u, keyMax: 128, valueMax: 256 };
const GENERAL_DOC = 'https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html';

/**
 * Each service's documented tag rules. Kinesis is the odd one: no `:` in keys or values, and values of at most
 * 255 characters (the developer guide; the API reference says 256, so the fake takes the stricter).
 */
export const TAG_RULES: Readonly<Record<TaggingService, TagRule>> = {
  kinesis: {
    key: /^[\p{L}\p{N}\s_./=+\-@]+$/u,
    value: /^[\p{L}\p{N}\s_./=+\-@]*$/u,
    keyMax: 128,
    valueMax: 255,
    doc: 'https://docs.aws.amazon.com/streams/latest/dev/tagging.html#tagging-restrictions',
  },
  iam: { ...GENERAL, doc: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_Tag.html' },
  logs: { ...GENERAL, doc: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html' },
  guardduty: {
    key: /^(?!aws:)[a-zA-Z+-=._:/]+$/,
    value: /^[\s\S]*$/u,
    keyMax: 128,
    valueMax: 256,
    doc: 'https://docs.aws.amazon.com/guardduty/latest/APIReference/API_TagResource.html',
  },
  s3: { ...GENERAL, doc: GENERAL_DOC },
  cloudtrail: { ...GENERAL, doc: GENERAL_DOC },
  events: { ...GENERAL, doc: GENERAL_DOC },
  secrets: { ...GENERAL, doc: GENERAL_DOC },
};

const length = (text: string): number => [...text].length;

/** What is wrong with the first tag that breaks `service`'s documented rules, or undefined when all pass. */
export function tagProblem(service: TaggingService, tags: Record<string, string>): string | undefined {
  const rule = TAG_RULES[service];
  for (const [key, value] of Object.entries(tags)) {
    if (key.toLowerCase().startsWith('aws:')) return `Tag keys starting with aws: are reserved for AWS use: ${key}`;
    if (length(key) < 1 || length(key) > rule.keyMax || !rule.key.test(key)) {
      return `Invalid tag key '${key}': 1 to ${rule.keyMax} characters matching ${rule.key.source}`;
    }
    if (length(value) > rule.valueMax || !rule.value.test(value)) {
      return `Invalid tag value '${value}' of key '${key}': at most ${rule.valueMax} characters matching ${rule.value.source}`;
    }
  }
  return undefined;
}

/** Returns `tags` when they follow `service`'s rules; otherwise throws the service's error made by `fail`. */
export function checkedTags(service: TaggingService, tags: Record<string, string>, fail: (message: string) => Error): Record<string, string> {
  const problem = tagProblem(service, tags);
  if (problem) throw fail(problem);
  return tags;
}
