import { loadConfig } from '../../gateway/src/config';
import { ResponseHeaderCollector } from '../../gateway/src/datasource/response-header-collector';
import { responseHeaderNamesFor, toResponseHeaderConfig } from '../../gateway/src/datasource/response-header-config';
import { SubgraphHeaders } from '../../gateway/src/datasource/subgraph-headers';

function headers(entries: Array<[string, string]>): SubgraphHeaders {
  const h = new SubgraphHeaders();
  for (const [name, value] of entries) h.append(name, value);
  return h;
}

describe('response header allow-list (SUBGRAPH_RESPONSE_HEADERS)', () => {
  it('when nothing is listed, then the feature is off', () => {
    expect(loadConfig({}).responseHeaders).toBe(false);
    expect(responseHeaderNamesFor(false, 'users')).toEqual([]);
  });

  it('when entries name a subgraph, then those headers are copied from that subgraph only', () => {
    const config = toResponseHeaderConfig({ SUBGRAPH_RESPONSE_HEADERS: 'Users:Set-Cookie, x-served-by', SUBGRAPH_RESPONSE_HEADER_CONFLICT: 'first' }, []);
    expect(responseHeaderNamesFor(config, 'users')).toEqual(['x-served-by', 'set-cookie']);
    expect(responseHeaderNamesFor(config, 'orders')).toEqual(['x-served-by']);
  });

  it.each(['content-length', 'transfer-encoding', 'connection', 'users:keep-alive', 'x-request-id', 'cache-control', 'access-control-allow-origin'])(
    'when %s is listed, then start-up is refused',
    (entry) => {
      const problems: string[] = [];
      toResponseHeaderConfig({ SUBGRAPH_RESPONSE_HEADERS: entry, SUBGRAPH_RESPONSE_HEADER_CONFLICT: 'first' }, problems);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^SUBGRAPH_RESPONSE_HEADERS:/);
    },
  );

  it('when an entry is not a header name, then start-up is refused', () => {
    expect(() => loadConfig({ SUBGRAPH_RESPONSE_HEADERS: 'x bad' })).toThrow(/SUBGRAPH_RESPONSE_HEADERS/);
    expect(() => loadConfig({ SUBGRAPH_RESPONSE_HEADERS: ':x-a' })).toThrow(/SUBGRAPH_RESPONSE_HEADERS/);
  });
});

describe('ResponseHeaderCollector', () => {
  const names = ['x-a', 'set-cookie'];

  it.each([
    ['first', 'one'],
    ['last', 'two'],
    ['append', 'one, two'],
  ] as const)('when two responses carry the same header and the rule is %s, then the client gets %j', (rule, expected) => {
    const collector = new ResponseHeaderCollector(rule);
    const context = {};
    collector.collect(context, headers([['x-a', 'one']]), names);
    collector.collect(context, headers([['x-a', 'two']]), names);
    expect(collector.take(context)).toEqual([['x-a', expected]]);
  });

  it('when several cookies arrive, then every one is kept on its own line whatever the rule', () => {
    const collector = new ResponseHeaderCollector('first');
    const context = {};
    const sawCookie = collector.collect(context, headers([['set-cookie', 'a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT'], ['set-cookie', 'b=2']]), names);
    collector.collect(context, headers([['set-cookie', 'c=3']]), names);
    expect(sawCookie).toBe(true);
    expect(collector.take(context)).toEqual([['set-cookie', 'a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT\nb=2\nc=3']]);
  });

  it('when a header is not listed, then it is not collected, and one operation never sees another one\'s headers', () => {
    const collector = new ResponseHeaderCollector('first');
    const mine = {};
    const theirs = {};
    expect(collector.collect(mine, headers([['x-b', 'nope']]), names)).toBe(false);
    collector.collect(theirs, headers([['x-a', 'theirs']]), names);
    expect(collector.take(mine)).toBeUndefined();
    expect(collector.take(theirs)).toEqual([['x-a', 'theirs']]);
    expect(collector.take(theirs)).toBeUndefined();
  });
});
