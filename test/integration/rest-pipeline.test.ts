import { call, DEV_CONFIG_FILE, firstError } from '../helpers/rest';
import { startStack, type Stack } from '../helpers/stack';
import { bearer, profileOwner } from '../helpers/tokens';

/**
 * The routes `npm start` ships (gateway/dev-config.yaml) with only two of the five subgraphs up and
 * a tiny global rate limit: partial results, availability errors and limits reach REST callers as
 * they reach /graphql callers, with HTTP statuses.
 */
describe('REST routes through the shared pipeline', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ subgraphs: ['users', 'wishlist'], env: { CONFIG_FILE: DEV_CONFIG_FILE, RATE_LIMIT_PER_MINUTE: '4', RESPONSE_CACHE_ENABLED: 'false' } });
  });
  afterAll(() => stack.stop());

  it('when some subgraphs are down, then the profile route answers 200 with what it has and the errors beside it', async () => {
    // Act
    const res = await call(stack.gatewayUrl, '/api/users/31/profile', { headers: await profileOwner('31') });

    // Assert
    const body = res.json as { id: string; name: string; orders: unknown; wishlist: unknown; errors: Array<{ extensions: { code: string; serviceName?: string } }> };
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ id: '31', orders: null, wishlist: { count: expect.any(Number) } });
    expect(body.errors.map((e) => e.extensions.code)).toContain('SUBGRAPH_UNAVAILABLE');
    expect(body.errors.map((e) => e.extensions.serviceName)).toContain('orders');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('when the subgraph behind the picked object is down, then the route answers 503 with its code', async () => {
    // Act
    const res = await call(stack.gatewayUrl, '/api/orders/o-32-1', { headers: await bearer('32', 'orders:read') });

    // Assert
    expect(res.status).toBe(503);
    expect(firstError(res.json)?.code).toBe('SUBGRAPH_UNAVAILABLE');
  });

  it('when a caller goes past the global rate limit through a route, then 429 RATE_LIMITED with Retry-After', async () => {
    // Arrange
    const caller = await bearer('33');
    const statuses: number[] = [];

    // Act
    for (let i = 0; i < 5; i += 1) statuses.push((await call(stack.gatewayUrl, '/api/users/33/profile', { headers: caller })).status);
    const refused = await call(stack.gatewayUrl, '/api/users/33/profile', { headers: caller });

    // Assert
    expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
    expect(refused.status).toBe(429);
    expect(firstError(refused.json)?.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});
