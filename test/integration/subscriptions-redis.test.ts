import type { GatewayHandle } from '../../gateway/src/server';
import { createSubgraph } from '../../subgraphs/registry';
import { createLogger } from '../../subgraphs/shared/logger';
import { RedisPubSub } from '../../subgraphs/shared/redis-pubsub';
import { startSubgraph, type SubgraphHandle } from '../../subgraphs/shared/server';
import { postGraphQL, startTestGateway, testRedisUrl, uniqueKeyPrefix } from '../helpers/stack';
import { bearer } from '../helpers/tokens';
import { subscribe, until, wsClient } from '../helpers/ws-client';

const STATUS = 'subscription { orderStatusChanged { id status total payment { status } } }';
const PLACE = 'mutation { placeOrder(input: { items: [{ sku: "SKU-002", quantity: 1 }] }) { id } }';

/**
 * A fleet: two gateway instances, each in front of its own orders replica, the replicas sharing
 * events through Redis pub/sub and the gateways sharing revocations through Redis.
 */
describe('subscriptions across instances with Redis', () => {
  const prefix = uniqueKeyPrefix();
  const log = createLogger({ service: 'orders', level: 'silent' });
  const pubsubs = [0, 1].map(() => new RedisPubSub({ url: testRedisUrl(), prefix: `${prefix}events:`, log }));
  let replicas: SubgraphHandle[];
  let others: SubgraphHandle[];
  let gateways: GatewayHandle[];

  beforeAll(async () => {
    replicas = await Promise.all(pubsubs.map((pubsub) => startSubgraph(createSubgraph('orders', { pubsub }), { logLevel: 'silent' })));
    others = await Promise.all((['users', 'payments'] as const).map((name) => startSubgraph(createSubgraph(name), { logLevel: 'silent' })));
    const common = { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix, SUBGRAPH_URL_USERS: others[0]!.url, SUBGRAPH_URL_PAYMENTS: others[1]!.url };
    gateways = await Promise.all(replicas.map((replica) => startTestGateway({ ...common, SUBGRAPH_URL_ORDERS: replica.url })));
  });
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await Promise.all([...replicas, ...others].map((s) => s.stop()));
    await Promise.all(pubsubs.map((p) => p.close()));
  });

  it('when an order is placed through one instance, then subscribers on both instances receive the enriched event', async () => {
    // Arrange
    const auth = await bearer('51', 'payments:read');
    const clients = gateways.map((g) => wsClient(g.url, { connectionParams: auth }));
    const subs = clients.map((c) => subscribe(c, { query: STATUS }));
    await until(() => replicas.every((r) => r.openSubscriptions() === 1), 'a live subscription on each replica');

    // Act
    const placed = await postGraphQL(gateways[0]!.url, { query: PLACE }, auth);
    const events = await Promise.all(subs.map((s) => s.results(1)));

    // Assert
    const id = (placed.body.data?.placeOrder as { id: string }).id;
    for (const [event] of events) expect(event?.data).toEqual({ orderStatusChanged: { id, status: 'PENDING', total: expect.any(Number), payment: null } });
    await Promise.all(clients.map((c) => c.dispose()));
  });

  it('when the token is revoked through POST /auth/logout on the other instance, then the subscription ends with UNAUTHENTICATED within 5 s', async () => {
    // Arrange
    const auth = await bearer('52');
    const client = wsClient(gateways[0]!.url, { connectionParams: auth });
    const sub = subscribe(client, { query: STATUS });
    await until(() => replicas[0]!.openSubscriptions() === 1, 'the subscription to be live');

    // Act
    const logout = await fetch(gateways[1]!.url.replace('/graphql', '/auth/logout'), { method: 'POST', headers: auth });
    // The promise of the issue: ended within 5 s (a wait bound, not a measurement).
    await sub.ended(5_000);

    // Assert
    expect(logout.status).toBe(204);
    expect(sub.error?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await client.dispose();
  });
});
