import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MissingMarkersError, parameterTable, TABLE_END, TABLE_START, withParameterTable } from '../../../src/sources/docs-table';
import { PARAMETER_MODULES } from '../../../src/sources/parameters';
import { PARAMETER_DOCS } from '../../../src/sources/docs';
import { resolverDocs, resolverParameters } from './resolver-source';

const README = readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');

describe("the README's parameter table (npm run docs:params)", () => {
  it('is current: regenerating it from the registry changes nothing (else run `npm run docs:params`)', () => {
    expect(withParameterTable(README)).toBe(README);
  });

  it('has one row per registry parameter, in registry order', () => {
    const rows = parameterTable().split('\n').slice(2);
    expect(rows.map((r) => /^\| `(\w+)` \|/.exec(r)?.[1])).toEqual(PARAMETER_MODULES.flatMap((m) => m.parameters.map((p) => p.name)));
  });

  it('a hand-edited or stale row is rewritten, and nothing outside the markers changes', () => {
    const stale = README.replace('| `ShardCount` | `1` |', '| `ShardCount` | `2` |');
    expect(stale).not.toBe(README);
    expect(withParameterTable(stale)).toBe(README);
  });

  it("a new module's parameter gets its row", () => {
    expect(withParameterTable(README, [...PARAMETER_MODULES, resolverParameters], { ...PARAMETER_DOCS, ...resolverDocs })).toContain(
      '| `EnableResolverEvents` | `false` | `true`, `false` | Route 53 Resolver events into the stream. |\n' + TABLE_END,
    );
  });

  it.each([
    ['no markers', 'no table here'],
    ['only the start marker', `${TABLE_START}\n| x |`],
    ['the markers reversed', `${TABLE_END}\n${TABLE_START}`],
  ])('refuses a README with %s', (_what, readme) => {
    expect(() => withParameterTable(readme)).toThrow(MissingMarkersError);
  });
});
