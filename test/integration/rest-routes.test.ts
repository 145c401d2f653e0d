import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../gateway/src/logger';
import { sample } from '../helpers/prometheus';
import { call, firstError, manifestWith } from '../helpers/rest';
import { startStack, type Stack } from '../helpers/stack';
import { bearer, profileOwner } from '../helpers/tokens';

const PROFILE = readFileSync(path.join(__dirname, '../../gateway/operations/profile.graphql'), 'utf8');
/** A test-only operation with an Int and an enum-free optional variable, to exercise query-string coercion. */
const USER_ORDERS = 'query UserOrders($id: ID!, $first: Int = 2) { user(id: $id) { id orders(first: $first) { id total } } }';

const ROUTES = {
  'GET /api/users/{id}/profile': { operation: 'Profile', pick: 'user' },
  'GET /api/orders/{id}': { operation: 'Order', pick: 'order' },
  'POST /api/orders': { operation: 'PlaceOrder', body: 'input', pick: 'placeOrder' },
  'GET /api/users/{id}/orders': { operation: 'UserOrders', pick: 'user' },
};

const ALLOWED_ORIGIN = 'https://app.example.com';

describe('REST routes over trusted operations', () => {
  const logged: string[] = [];
  let stack: Stack;
  beforeAll(async () => {
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        logged.push(chunk.toString());
        done();
      },
    });
    stack = await startStack({
      env: { REST_ROUTES: JSON.stringify(ROUTES), REST_OPERATIONS_MANIFEST: manifestWith({ UserOrders: USER_ORDERS }), CORS_ORIGINS: ALLOWED_ORIGIN, LOG_LEVEL: 'info', MAX_BODY_BYTES: '4096' },
      gatewayDeps: { log: createLogger({ level: 'info', pretty: false, destination: stream }) },
    });
  });
  afterAll(() => stack.stop());

  it('when the profile route is called, then it answers the same user as the Profile operation over POST /graphql', async () => {
    // Arrange
    const owner = await profileOwner('11');
    const graphql = await stack.query(PROFILE, { id: '11' }, owner);

    // Act
    const res = await call(stack.gatewayUrl, '/api/users/11/profile', { headers: owner });

    // Assert
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.json).toEqual(graphql.body.data?.user);
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+|no-store/);
    expect(res.headers.get('ratelimit-remaining')).not.toBeNull();
  });

  it('when a GET is repeated with its ETag in If-None-Match, then it gets 304 without a body; a stale tag gets 200', async () => {
    // Arrange
    const owner = await profileOwner('12');
    const first = await call(stack.gatewayUrl, '/api/users/12/profile', { headers: owner });
    const etag = first.headers.get('etag');

    // Act
    const again = await call(stack.gatewayUrl, '/api/users/12/profile', { headers: { ...owner, 'if-none-match': etag ?? '' } });
    const stale = await call(stack.gatewayUrl, '/api/users/12/profile', { headers: { ...owner, 'if-none-match': '"not-the-tag"' } });

    // Assert
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    expect(stale.status).toBe(200);
    expect(stale.headers.get('etag')).toBe(etag);
  });

  it('when HEAD is sent, then it gets the GET answer\'s status, length and ETag without a body', async () => {
    // Arrange
    const owner = await profileOwner('13');
    const get = await call(stack.gatewayUrl, '/api/users/13/profile', { headers: owner });

    // Act
    const head = await call(stack.gatewayUrl, '/api/users/13/profile', { method: 'HEAD', headers: owner });

    // Assert
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(get.text)));
    expect(head.headers.get('etag')).toBe(get.headers.get('etag'));
  });

  it('when a query parameter is coerced, then the operation gets its typed value; a bad or unknown one → 400 BAD_USER_INPUT naming it', async () => {
    // Arrange
    const owner = await profileOwner('14');

    // Act
    const three = await call(stack.gatewayUrl, '/api/users/14/orders?first=1', { headers: owner });
    const notInt = await call(stack.gatewayUrl, '/api/users/14/orders?first=two', { headers: owner });
    const unknown = await call(stack.gatewayUrl, '/api/users/14/orders?frist=1', { headers: owner });

    // Assert
    expect(three.status).toBe(200);
    expect((three.json as { orders: unknown[] }).orders).toHaveLength(1);
    expect(notInt.status).toBe(400);
    expect(firstError(notInt.json)).toMatchObject({ code: 'BAD_USER_INPUT', parameter: 'first', in: 'query', expected: 'Int' });
    expect(unknown.status).toBe(400);
    expect(firstError(unknown.json)).toMatchObject({ code: 'BAD_USER_INPUT', parameter: 'frist' });
  });

  it('when the picked object does not exist, then the route answers 404 NOT_FOUND', async () => {
    // Act
    const res = await call(stack.gatewayUrl, '/api/users/no-such-user/profile');

    // Assert
    expect(res.status).toBe(404);
    expect(firstError(res.json)?.code).toBe('NOT_FOUND');
  });

  it('when an anonymous caller asks for an order, then 401 with www-authenticate; a bad token → 401 UNAUTHENTICATED', async () => {
    // Act
    const anonymous = await call(stack.gatewayUrl, '/api/orders/o-15-1');
    const badToken = await call(stack.gatewayUrl, '/api/orders/o-15-1', { headers: { authorization: 'Bearer not-a-token' } });

    // Assert
    expect(anonymous.status).toBe(401);
    expect(firstError(anonymous.json)?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
    expect(badToken.status).toBe(401);
    expect(firstError(badToken.json)?.code).toBe('UNAUTHENTICATED');
  });

  it('when a signed-in caller lacks the scope or owns another user\'s order, then 403', async () => {
    // Act
    const noScope = await call(stack.gatewayUrl, '/api/orders/o-16-1', { headers: await bearer('16') });
    const notTheirs = await call(stack.gatewayUrl, '/api/orders/o-17-1', { headers: await bearer('16', 'orders:read') });
    const own = await call(stack.gatewayUrl, '/api/orders/o-16-1', { headers: await bearer('16', 'orders:read payments:read') });

    // Assert
    expect(noScope.status).toBe(403);
    expect(firstError(noScope.json)?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    expect(notTheirs.status).toBe(403);
    expect(firstError(notTheirs.json)?.code).toBe('FORBIDDEN');
    expect(own.status).toBe(200);
    expect(own.json).toMatchObject({ id: 'o-16-1' });
  });

  it('when the mutation route gets a JSON body, then it becomes $input and the new order can be read back', async () => {
    // Arrange
    const buyer = await bearer('18', 'orders:read');

    // Act
    const placed = await call(stack.gatewayUrl, '/api/orders', { method: 'POST', headers: buyer, body: { items: [{ sku: 'SKU-001', quantity: 2 }] } });
    const id = (placed.json as { id: string }).id;
    const read = await call(stack.gatewayUrl, `/api/orders/${id}`, { headers: buyer });

    // Assert
    expect(placed.status).toBe(200);
    expect(placed.json).toMatchObject({ status: 'PENDING', items: [{ sku: 'SKU-001', quantity: 2 }] });
    expect(placed.headers.get('cache-control')).toBe('no-store');
    expect(placed.headers.get('etag')).toBeNull();
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({ id, status: 'PENDING' });
  });

  it('when the mutation body is mistyped, not JSON, refused by the subgraph or too large, then 400 naming the problem, or 413', async () => {
    // Arrange
    const buyer = await bearer('19');

    // Act
    const mistyped = await call(stack.gatewayUrl, '/api/orders', { method: 'POST', headers: buyer, body: { items: [{ sku: 'SKU-001', quantity: 'two' }] } });
    const plainText = await call(stack.gatewayUrl, '/api/orders', { method: 'POST', headers: { ...buyer, 'content-type': 'text/plain' }, body: '{"items":[]}' });
    const refused = await call(stack.gatewayUrl, '/api/orders', { method: 'POST', headers: buyer, body: { items: [{ sku: 'SKU-001', quantity: 0 }] } });
    const tooLarge = await call(stack.gatewayUrl, '/api/orders', { method: 'POST', headers: buyer, body: { items: Array.from({ length: 200 }, () => ({ sku: 'SKU-001', quantity: 1 })) } });

    // Assert
    expect(mistyped.status).toBe(400);
    expect(firstError(mistyped.json)).toMatchObject({ code: 'BAD_USER_INPUT', parameter: 'input.items[0].quantity', in: 'body', expected: 'Int' });
    expect(plainText.status).toBe(400);
    expect(firstError(plainText.json)?.code).toBe('BAD_REQUEST');
    expect(refused.status).toBe(400);
    expect(firstError(refused.json)?.code).toBe('BAD_USER_INPUT');
    expect(tooLarge.status).toBe(413);
    expect(firstError(tooLarge.json)?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('when a route path gets another method or a path is unknown, then 405 with Allow, or 404', async () => {
    // Act
    const wrongMethod = await call(stack.gatewayUrl, '/api/orders/o-1-1', { method: 'DELETE' });
    const unknown = await call(stack.gatewayUrl, '/api/nothing-here');

    // Assert
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD');
    expect(unknown.status).toBe(404);
  });

  it('when a browser preflights a route, then it gets the same CORS answer as /graphql; the route\'s answer varies on Origin and Authorization', async () => {
    // Act
    const preflight = await call(stack.gatewayUrl, '/api/orders', {
      method: 'OPTIONS',
      headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
    });
    const get = await call(stack.gatewayUrl, '/api/users/20/profile', { headers: { origin: ALLOWED_ORIGIN } });

    // Assert
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(get.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(get.headers.get('vary')).toMatch(/Origin.*Authorization/);
  });

  it('when routes have been called, then metrics and the request log carry the route label and the status answered', async () => {
    // Arrange
    await call(stack.gatewayUrl, '/api/users/21/profile');

    // Act
    const metrics = await call(stack.gatewayUrl, '/metrics');
    const lines = logged.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

    // Assert
    expect(sample(metrics.text, 'frontdoor_rest_requests_total', { method: 'GET', route: '/api/users/{id}/profile', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(sample(metrics.text, 'frontdoor_rest_requests_total', { method: 'GET', route: '/api/users/{id}/profile', status: '304' })).toBe(1);
    expect(sample(metrics.text, 'frontdoor_graphql_requests_total', { operation_name: 'Profile' })).toBeGreaterThanOrEqual(1);
    const done = lines.filter((l) => l.msg === 'request completed' && l.route === '/api/users/{id}/profile' && l.method === 'GET');
    expect(done.map((l) => l.status)).toEqual(expect.arrayContaining([200, 304]));
    expect(done.find((l) => l.status === 200)).toMatchObject({ operationName: 'Profile', operationType: 'query' });
  });
});
