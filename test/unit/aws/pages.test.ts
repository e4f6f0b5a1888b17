import { allPages, type Paging } from '../../../src/aws/pages';

describe('allPages', () => {
  it.each([['NextToken' as const], ['nextToken' as const]])('sends no token first, then each page its %s, until a page has none', async (key) => {
    const pages: Record<string, { items?: number[] } & Paging> = {
      first: { items: [1, 2], [key]: 't2' },
      t2: { [key]: 't3' },
      t3: { items: [3] },
    };
    const sent: Paging[] = [];
    const send = (paging: Paging) => {
      sent.push(paging);
      return Promise.resolve(pages[paging[key] ?? 'first']);
    };
    await expect(allPages(key, send, (page) => page.items)).resolves.toEqual([1, 2, 3]);
    expect(sent).toStrictEqual([{}, { [key]: 't2' }, { [key]: 't3' }]);
  });

  it('passes a failing page on', async () => {
    const send = jest.fn().mockResolvedValueOnce({ NextToken: 'b' }).mockRejectedValueOnce(new Error('throttled'));
    await expect(allPages('NextToken', send, () => [])).rejects.toThrow('throttled');
  });
});
