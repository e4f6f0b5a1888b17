/** The paging input of a list call: the token of the page wanted (none for the first), as the service spells it. */
export type Paging = { NextToken?: string; nextToken?: string };

/**
 * Every item of a token-paged list call: `send` is called with each page's token, under the name `key` the
 * service uses (none for the first page), until a page comes back without one.
 */
export async function allPages<P, T>(key: keyof Paging, send: (paging: Paging) => Promise<P>, items: (page: P) => readonly T[] | undefined): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const page = await send(token ? { [key]: token } : {});
    all.push(...(items(page) ?? []));
    token = (page as Paging)[key];
  } while (token);
  return all;
}
