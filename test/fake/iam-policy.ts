/**
 * The policy-document checks IAM applies on PutUserPolicy / PutRolePolicy / CreateRole, reduced to what
 * catches real mistakes: invalid JSON, a missing Effect/Action/Resource, actions without a service prefix,
 * a Principal in an identity policy, a Resource in a trust policy. Returns IAM's message, or undefined.
 */
export function policyProblem(text: string, kind: 'identity' | 'trust'): string | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return 'This policy contains invalid Json';
  }
  if (!isObject(doc)) return 'This policy contains invalid Json';
  if (doc.Version !== undefined && doc.Version !== '2012-10-17' && doc.Version !== '2008-10-17') {
    return 'The policy failed legacy parsing';
  }
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  if (doc.Statement === undefined || statements.length === 0) return 'Syntax errors in policy.';
  for (const st of statements) {
    if (!isObject(st)) return 'Syntax errors in policy.';
    if (st.Effect !== 'Allow' && st.Effect !== 'Deny') return 'Syntax errors in policy.';
    const actions = st.Action ?? st.NotAction;
    if (actions === undefined) return 'Policy statement must contain actions.';
    for (const a of list(actions)) {
      if (typeof a !== 'string' || (a !== '*' && !/^[a-z0-9-]+:[A-Za-z0-9*?]+$/.test(a))) {
        return 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.';
      }
    }
    if (kind === 'identity') {
      if (st.Principal !== undefined || st.NotPrincipal !== undefined) return 'Policy document should not specify a principal.';
      if (st.Resource === undefined && st.NotResource === undefined) return 'Policy statement must contain resources.';
    } else {
      if (st.Resource !== undefined || st.NotResource !== undefined) return 'Has prohibited field Resource';
      if (!isObject(st.Principal)) return 'Syntax errors in policy.';
      const principals = [...list(st.Principal.AWS), ...list(st.Principal.Service), ...list(st.Principal.Federated)];
      if (principals.length === 0) return 'Invalid principal in policy';
      for (const p of list(st.Principal.AWS)) {
        if (typeof p !== 'string' || !/^(\d{12}|\*|arn:aws[a-z-]*:(iam|sts)::\d{12}:.+)$/.test(p)) return `Invalid principal in policy: "AWS":"${String(p)}"`;
      }
      for (const p of list(st.Principal.Service)) {
        if (typeof p !== 'string' || !/^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(p)) return `Invalid principal in policy: "SERVICE":"${String(p)}"`;
      }
    }
  }
  return undefined;
}

/** Characters that count toward IAM's inline-policy size quotas: whitespace is not counted. */
export function policySize(text: string): number {
  return text.replace(/\s/g, '').length;
}

/** IAM hands policy documents back URL-encoded (RFC 3986), in GetRole, GetUserPolicy, GetRolePolicy, ... */
export function iamEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function list(v: unknown): unknown[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** The request context services put into condition keys when they assume a role or write on our behalf (see caller-context.ts). */
export interface RequestContext {
  'aws:SourceArn'?: string;
  'aws:SourceAccount'?: string;
}

/**
 * True when an identity policy document Allows `action` on `resource` and no statement Denies it. The request
 * carries no condition keys here, so a conditioned Allow matches only through negated operators (strict), and a
 * conditioned Deny applies unless its conditions are shown not to hold.
 */
export function policyAllows(text: string, action: string, resource: string, context: RequestContext = {}): boolean {
  const applies = (st: Record<string, unknown>) =>
    list(st.Action).some((a) => globMatch(String(a), action, true)) && list(st.Resource).some((r) => globMatch(String(r), resource));
  const statements = statementsOf(text);
  if (statements.some((st) => st.Effect === 'Deny' && applies(st) && conditionsMayHold(st.Condition, context))) return false;
  return statements.some((st) => st.Effect === 'Allow' && applies(st) && conditionsHold(st.Condition, context));
}

/**
 * True when a trust policy lets `service` (`logs.amazonaws.com`, ...) assume the role in `context`:
 * an Allow for sts:AssumeRole naming the service, whose aws:SourceArn / aws:SourceAccount conditions hold.
 */
export function trustAllows(text: string, service: string, context: RequestContext): boolean {
  return statementsOf(text).some((st) => {
    if (st.Effect !== 'Allow' || !list(st.Action).some((a) => globMatch(String(a), 'sts:AssumeRole', true))) return false;
    const principal = isObject(st.Principal) ? list(st.Principal.Service).map(String) : [];
    return principal.includes(service) && conditionsHold(st.Condition, context);
  });
}

/**
 * True when a resource policy (an S3 bucket policy) lets `service` do `action` on `resource` in `context`.
 */
export function resourcePolicyAllows(text: string, service: string, action: string, resource: string, context: RequestContext): boolean {
  return statementsOf(text).some((st) => {
    if (st.Effect !== 'Allow') return false;
    const principal = isObject(st.Principal) ? list(st.Principal.Service).map(String) : [];
    return (
      principal.includes(service) &&
      list(st.Action).some((a) => globMatch(String(a), action, true)) &&
      list(st.Resource).some((r) => globMatch(String(r), resource)) &&
      conditionsHold(st.Condition, context)
    );
  });
}

/**
 * Condition operators the fake evaluates. An operator not listed here (Bool, Numeric*, ForAnyValue:..., ...IfExists)
 * is not modelled, so a statement using it does not match: the fake is strict where it does not know.
 */
const OPERATORS: Record<string, { negated: boolean; test: (pattern: string, actual: string) => boolean }> = {
  StringEquals: { negated: false, test: (p, a) => p === a },
  StringNotEquals: { negated: true, test: (p, a) => p === a },
  StringEqualsIgnoreCase: { negated: false, test: (p, a) => p.toLowerCase() === a.toLowerCase() },
  StringLike: { negated: false, test: (p, a) => globMatch(p, a) },
  StringNotLike: { negated: true, test: (p, a) => globMatch(p, a) },
  ArnEquals: { negated: false, test: (p, a) => arnMatch(p, a) },
  ArnLike: { negated: false, test: (p, a) => arnMatch(p, a) },
  ArnNotEquals: { negated: true, test: (p, a) => arnMatch(p, a) },
  ArnNotLike: { negated: true, test: (p, a) => arnMatch(p, a) },
};

/**
 * True when every condition holds in `context`. Keys compare case-insensitively (IAM condition keys do). A key
 * absent from the context fails a positive operator and passes a negated one (IAM's rule for missing keys);
 * an operator the fake does not model fails the statement.
 */
export function conditionsHold(condition: unknown, context: RequestContext): boolean {
  if (condition === undefined) return true;
  if (!isObject(condition)) return false;
  const lower = new Map(Object.entries(context).map(([k, v]) => [k.toLowerCase(), v as string]));
  return Object.entries(condition).every(([operator, entries]) => {
    const op = OPERATORS[operator];
    if (!op || !isObject(entries)) return false;
    return Object.entries(entries).every(([key, expected]) => {
      const actual = lower.get(key.toLowerCase());
      if (actual === undefined) return op.negated;
      const hit = list(expected).some((v) => op.test(String(v), actual));
      return op.negated ? !hit : hit;
    });
  });
}

/** For a Deny: true unless a block the fake models is shown not to hold (an unmodelled operator may hold, so it denies). */
function conditionsMayHold(condition: unknown, context: RequestContext): boolean {
  if (!isObject(condition)) return true;
  return Object.entries(condition).every(([operator, entries]) => !OPERATORS[operator] || conditionsHold({ [operator]: entries }, context));
}

/** ARN operators: six colon-separated parts, each compared with wildcards. */
function arnMatch(pattern: string, arn: string): boolean {
  const p = pattern.split(':');
  const a = arn.split(':');
  if (p.length < 6 || a.length < 6) return false;
  const head = (parts: string[]) => [...parts.slice(0, 5), parts.slice(5).join(':')];
  return head(p).every((part, n) => globMatch(part, head(a)[n]));
}

function statementsOf(text: string): Record<string, unknown>[] {
  try {
    const doc: unknown = JSON.parse(text.trim().startsWith('{') ? text : decodeURIComponent(text));
    if (!isObject(doc)) return [];
    return list(doc.Statement).filter(isObject);
  } catch {
    return [];
  }
}

/** IAM-style wildcard match: `*` any run, `?` one character; actions compare case-insensitively. */
export function globMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    ignoreCase ? 'i' : '',
  );
  return re.test(value);
}
