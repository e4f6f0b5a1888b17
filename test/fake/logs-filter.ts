/**
 * CloudWatch Logs filter patterns, the subset pipelines use: the empty pattern, terms (`ERROR`,
 * `"a phrase"`, `-"excluded"`, `?either ?or`) and space-delimited patterns (`[a, b, ..., c != "X" && c != "Y"]`
 * with =, !=, <, <=, >, >=, `*` wildcards, && and ||). JSON patterns (`{ $.x = 1 }`) are not modelled.
 */
export type FilterMatcher = (message: string) => boolean;

/** Parses a pattern into a matcher, or throws an Error whose message says what is wrong. */
export function compileFilterPattern(pattern: string): FilterMatcher {
  const p = pattern.trim();
  if (p === '') return () => true;
  if (p.startsWith('{')) throw new Error('JSON filter patterns are not modelled by the fake account');
  if (p.startsWith('[')) return compileDelimited(p);
  return compileTerms(p);
}

function compileTerms(p: string): FilterMatcher {
  const tokens = p.match(/[-?]?"[^"]*"|[-?]?[^\s"]+/g) ?? [];
  const required: string[] = [];
  const excluded: string[] = [];
  const anyOf: string[] = [];
  for (const t of tokens) {
    const bare = t.replace(/^[-?]/, '').replace(/^"|"$/g, '');
    if (t.startsWith('-')) excluded.push(bare);
    else if (t.startsWith('?')) anyOf.push(bare);
    else required.push(bare);
  }
  return (m) => required.every((t) => m.includes(t)) && !excluded.some((t) => m.includes(t)) && (anyOf.length === 0 || anyOf.some((t) => m.includes(t)));
}

type Condition = { field: string; op: string; value: string };

function compileDelimited(p: string): FilterMatcher {
  if (!p.endsWith(']')) throw new Error(`Invalid filter pattern: ${p}`);
  const parts = splitOutsideQuotes(p.slice(1, -1), ',').map((s) => s.trim());
  const fields: { name: string; test?: (v: string) => boolean }[] = [];
  for (const part of parts) {
    if (part === '...') {
      fields.push({ name: '...' });
      continue;
    }
    const name = /^[A-Za-z_][\w]*/.exec(part)?.[0];
    if (!name) throw new Error(`Invalid filter pattern field: ${part}`);
    const rest = part.slice(name.length).trim();
    if (rest === '') {
      fields.push({ name });
      continue;
    }
    const alternatives = rest
      .split('||')
      .map((alt) => splitOutsideQuotes(alt, '&&').map((c) => parseCondition(`${name} ${c.trim().replace(new RegExp(`^${name}\\s*`), '')}`)));
    fields.push({ name, test: (v) => alternatives.some((all) => all.every((c) => holds(c, v))) });
  }
  return (message) => {
    const values = message.trim().split(/\s+/);
    const dots = fields.findIndex((f) => f.name === '...');
    if (dots === -1 && values.length !== fields.length) return false;
    if (dots !== -1 && values.length < fields.length - 1) return false;
    const after = dots === -1 ? 0 : fields.length - dots - 1;
    return fields.every((f, i) => {
      if (f.name === '...' || !f.test) return true;
      const v = dots !== -1 && i > dots ? values[values.length - after + (i - dots - 1)] : values[i];
      return v !== undefined && f.test(v);
    });
  };
}

function parseCondition(text: string): Condition {
  const m = /^([A-Za-z_][\w]*)\s*(!=|<=|>=|=|<|>)\s*(.+)$/.exec(text.trim());
  if (!m) throw new Error(`Invalid filter pattern condition: ${text}`);
  return { field: m[1], op: m[2], value: m[3].trim().replace(/^"|"$/g, '') };
}

function holds(c: Condition, v: string): boolean {
  const n = Number(v);
  const x = Number(c.value);
  const numeric = c.value !== '' && !Number.isNaN(n) && !Number.isNaN(x);
  const equal = c.value.includes('*') ? new RegExp(`^${c.value.split('*').map(escape).join('.*')}$`).test(v) : numeric ? n === x : v === c.value;
  switch (c.op) {
    case '=':
      return equal;
    case '!=':
      return !equal;
    case '<':
      return numeric && n < x;
    case '<=':
      return numeric && n <= x;
    case '>':
      return numeric && n > x;
    default:
      return numeric && n >= x;
  }
}

function escape(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

function splitOutsideQuotes(text: string, sep: string): string[] {
  const out: string[] = [];
  let quoted = false;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') quoted = !quoted;
    if (!quoted && text.startsWith(sep, i)) {
      out.push(current);
      current = '';
      i += sep.length - 1;
      continue;
    }
    current += text[i];
  }
  out.push(current);
  return out;
}
