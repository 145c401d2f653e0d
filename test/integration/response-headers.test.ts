import type { GatewayHandle } from '../../gateway/src/server';
import { createSubgraph } from '../../subgraphs/registry';
import { startSubgraph, type SubgraphHandle } from '../../subgraphs/shared/server';
import { postGraphQL, startTestGateway, testRedisUrl, uniqueKeyPrefix, type GraphQLResult } from '../helpers/stack';
import { bearer } from '../helpers/tokens';

const USER_AND_WISHLIST = '{ user(id: "1") { id name wishlist { count } } }';
/** users only; a signed-in caller's answer is cacheable (User is `@cacheControl(maxAge: 300, scope: PRIVATE)`). */
const USER_ONLY = '{ user(id: "2") { id name } }';
const COOKIE = 'session=abc; HttpOnly; Path=/';

/** users then wishlist (an entity fetch after users answered), each adding its own response headers. */
interface HeaderStack {
  users: SubgraphHandle;
  wishlist: SubgraphHandle;
  gateways: GatewayHandle[];
  gateway(env: Record<string, string>): Promise<GatewayHandle>;
  stop(): Promise<void>;
}

async function startHeaderStack(opts: { usersLatencyMs?: number } = {}): Promise<HeaderStack> {
  const users = await startSubgraph(createSubgraph('users'), {
    logLevel: 'silent',
    recordRequests: true,
    latencyMs: opts.usersLatencyMs ?? 0,
    responseHeaders: { 'set-cookie': COOKIE, 'x-served-by': 'users', 'x-unlisted': 'users' },
  });
  const wishlist = await startSubgraph(createSubgraph('wishlist'), {
    logLevel: 'silent',
    responseHeaders: { 'set-cookie': 'wishlist=1', 'x-served-by': 'wishlist' },
  });
  const gateways: GatewayHandle[] = [];
  return {
    users,
    wishlist,
    gateways,
    gateway: async (env) => {
      const gateway = await startTestGateway({
        SUBGRAPH_URL_USERS: users.url,
        SUBGRAPH_URL_WISHLIST: wishlist.url,
        REDIS_URL: testRedisUrl(),
        REDIS_KEY_PREFIX: uniqueKeyPrefix(),
        ...env,
      });
      gateways.push(gateway);
      return gateway;
    },
    stop: async () => {
      await Promise.all(gateways.map((g) => g.stop()));
      await Promise.all([users.stop(), wishlist.stop()]);
    },
  };
}

function cookiesOf(res: GraphQLResult): string[] {
  return res.headers.getSetCookie();
}

describe('response headers copied from subgraphs', () => {
  let stack: HeaderStack;
  beforeAll(async () => {
    stack = await startHeaderStack();
  });
  afterAll(() => stack?.stop());

  it('when headers are listed, then those reach the client and unlisted ones (or ones listed for another subgraph) do not', async () => {
    const gateway = await stack.gateway({ SUBGRAPH_RESPONSE_HEADERS: 'users:set-cookie,x-served-by' });

    const res = await postGraphQL(gateway.url, { query: USER_AND_WISHLIST });

    expect(res.body.errors).toBeUndefined();
    expect(cookiesOf(res)).toEqual([COOKIE]);
    expect(res.headers.get('x-served-by')).toBe('users');
    expect(res.headers.get('x-unlisted')).toBeNull();
  });

  it('when nothing is listed, then no subgraph header reaches the client', async () => {
    const gateway = await stack.gateway({});

    const res = await postGraphQL(gateway.url, { query: USER_AND_WISHLIST });

    expect(res.body.errors).toBeUndefined();
    expect(cookiesOf(res)).toEqual([]);
    expect(res.headers.get('x-served-by')).toBeNull();
  });

  it.each([
    ['first', 'users'],
    ['last', 'wishlist'],
    ['append', 'users, wishlist'],
  ])('when two subgraphs send the same header and the rule is %s, then the client gets %j', async (rule, expected) => {
    const gateway = await stack.gateway({ SUBGRAPH_RESPONSE_HEADERS: 'x-served-by,set-cookie', SUBGRAPH_RESPONSE_HEADER_CONFLICT: rule });

    const res = await postGraphQL(gateway.url, { query: USER_AND_WISHLIST });

    expect(res.body.errors).toBeUndefined();
    expect(res.headers.get('x-served-by')).toBe(expected);
    // Cookies are never merged into one field, whatever the rule: each subgraph's is its own set-cookie.
    expect(cookiesOf(res)).toEqual([COOKIE, 'wishlist=1']);
  });

  it('when a response carries a copied set-cookie, then it is never stored in the response cache and says no-store', async () => {
    const gateway = await stack.gateway({ SUBGRAPH_RESPONSE_HEADERS: 'users:set-cookie' });
    const caller = await bearer('2');
    const before = stack.users.requests.length;

    const first = await postGraphQL(gateway.url, { query: USER_ONLY }, caller);
    const second = await postGraphQL(gateway.url, { query: USER_ONLY }, caller);

    // Data, not the whole body: extensions.cost.throttleStatus depends on how fast the budget refilled in between.
    expect(second.body.data).toEqual(first.body.data);
    expect(stack.users.requests.length - before).toBe(2);
    expect(second.headers.get('age')).toBeNull();
    expect(cookiesOf(second)).toEqual([COOKIE]);
    expect(first.headers.get('cache-control')).toBe('no-store');
  });

  it('when no cookie is copied, then the same query is cached, and a cached hit carries no subgraph header', async () => {
    const gateway = await stack.gateway({ SUBGRAPH_RESPONSE_HEADERS: 'users:x-served-by' });
    const caller = await bearer('2');
    const before = stack.users.requests.length;

    const first = await postGraphQL(gateway.url, { query: USER_ONLY }, caller);
    const hit = await postGraphQL(gateway.url, { query: USER_ONLY }, caller);

    expect(stack.users.requests.length - before).toBe(1);
    expect(first.headers.get('x-served-by')).toBe('users');
    expect(hit.headers.get('age')).not.toBeNull();
    expect(hit.headers.get('x-served-by')).toBeNull();
  });
});

describe('a cookie and in-flight deduplication', () => {
  let stack: HeaderStack;
  beforeAll(async () => {
    // Slow enough that two requests sent together overlap at the subgraph, so the second joins the first.
    stack = await startHeaderStack({ usersLatencyMs: 1000 });
  });
  afterAll(() => stack?.stop());

  it('when a second caller joins an identical in-flight query, then only the caller that made the request gets the cookie', async () => {
    const gateway = await stack.gateway({ SUBGRAPH_RESPONSE_HEADERS: 'users:set-cookie', RESPONSE_CACHE_ENABLED: 'false' });

    const both = await Promise.all([postGraphQL(gateway.url, { query: USER_ONLY }), postGraphQL(gateway.url, { query: USER_ONLY })]);

    expect(stack.users.requests).toHaveLength(1);
    expect(both.map((r) => r.body.errors)).toEqual([undefined, undefined]);
    expect(both.map((r) => cookiesOf(r).length).sort()).toEqual([0, 1]);
  });
});
