import { parseRequestTarget } from '../../gateway/src/http/request-target';

describe('parseRequestTarget', () => {
  it('when the target is origin-form, then its path and query are kept', () => {
    const url = parseRequestTarget('/graphql?query=%7B__typename%7D');
    expect(url?.pathname).toBe('/graphql');
    expect(url?.search).toBe('?query=%7B__typename%7D');
  });

  it('when the target starts with two slashes, then it stays a path and names no host', () => {
    expect(parseRequestTarget('//graphql')?.pathname).toBe('//graphql');
  });

  it('when the target is absolute-form (as a proxy sends it), then its path is used', () => {
    expect(parseRequestTarget('http://frontdoor.example/graphql?x=1')?.pathname).toBe('/graphql');
  });

  it('when the target is not a URL at all, then undefined (400), never a throw', () => {
    for (const target of ['http://[', 'graphql', 'ftp://x/graphql', 'http://user@host:99999/graphql']) {
      expect(parseRequestTarget(target)).toBeUndefined();
    }
  });

  it('when the target is missing or `*`, then a path the router can refuse', () => {
    expect(parseRequestTarget(undefined)?.pathname).toBe('/');
    expect(parseRequestTarget('*')?.pathname).toBe('/*');
  });
});
