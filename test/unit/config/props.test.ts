import { PropertyReader } from '../../../src/config/props';

describe('PropertyReader', () => {
  it.each<[string, unknown, string]>([
    ['a map', { Ref: 'X' }, `Name '{"Ref":"X"}' is not allowed; allowed values: A-Z`],
    ['a number', 5, "Name '5' is not allowed; allowed values: A-Z"],
    ['a boolean', true, "Name 'true' is not allowed; allowed values: A-Z"],
    ['a list', ['a', 'B'], "Name 'a,B' is not allowed; allowed values: A-Z"],
  ])('names %s that is not a string by its value, not as [object Object]', (_what, value, problem) => {
    const r = new PropertyReader({ Name: value });
    expect(r.pattern('Name', /^[A-Z]+$/, 'A-Z', '')).toBe('');
    expect(r.problems).toEqual([problem]);
  });
});
