import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Cluster } from 'ioredis';
import { subjectKey } from '../../gateway/src/limits/caller';
import type { GatewayHandle } from '../../gateway/src/server';
import { callerTag } from '../../gateway/src/store/hash-tags';
import { redisConfigFromEnv, type RedisConfig } from '../../gateway/src/store/redis-config';
import type { ReloadOutcome } from '../../gateway/src/supergraph/file-supergraph-manager';
import { publishToRedis } from '../../scripts/schema/publish-supergraph';
import { readUsageFromRedis } from '../../scripts/schema/usage-source';
import { loadDuringFailover, statusesOnceServed, unexpectedAnswers } from '../helpers/failover-load';
import { startRedisCluster, type RedisClusterHandle } from '../helpers/redis-cluster';
import { postGraphQL, startStack, startTestGateway, subgraphUrlEnv, uniqueKeyPrefix, type GraphQLResult, type Stack } from '../helpers/stack';
import { bearer, profileOwner, signHs256 } from '../helpers/tokens';

const ROOT = path.resolve(__dirname, '../..');
const PROFILE = readFileSync(path.join(ROOT, 'gateway/operations/profile.graphql'), 'utf8');
const SUPERGRAPH = readFileSync(path.join(ROOT, 'supergraph.graphql'), 'utf8');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Every shared feature on a real Redis Cluster (3 masters, 3 replicas; issue #13, item 3), with
 * three gateway instances: the first two with the default failure rules, the third the other way
 * round (limits fail-closed, revocation fail-open). One cluster for the whole file; the last test
 * kills a master.
 */
describe('a fleet of three gateways on a Redis Cluster', () => {
  let cluster: RedisClusterHandle;
  let stack: Stack;
  let gateways: GatewayHandle[] = [];
  let admin: Cluster;
  const reloads: ReloadOutcome[][] = [[], [], []];
  const keyPrefix = uniqueKeyPrefix();
  let redisEnv: Record<string, string>;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    redisEnv = { REDIS_CLUSTER_NODES: cluster.nodesEnv, REDIS_KEY_PREFIX: keyPrefix };
    const env = { ...redisEnv, SUPERGRAPH_SOURCE: 'redis', SUPERGRAPH_POLL_MS: '2000', USAGE_FLUSH_MS: '100', COST_BUDGET_RESTORE_PER_SECOND: '1' };
    stack = await startStack({ env, gatewayDeps: { onSupergraphReload: (o) => reloads[0]?.push(o) } });
    const more = { ...subgraphUrlEnv(stack.subgraphs), ...env };
    gateways = [
      stack.gateway,
      await startTestGateway(more, { onSupergraphReload: (o) => reloads[1]?.push(o) }),
      await startTestGateway({ ...more, RATE_LIMIT_FAILURE_MODE: 'fail-closed', AUTH_REVOCATION_FAIL_OPEN: 'true' }, { onSupergraphReload: (o) => reloads[2]?.push(o) }),
    ];
    admin = new Cluster(cluster.nodesEnv.split(',').map((n) => ({ host: '127.0.0.1', port: Number(n.split(':')[1]) })), { keyPrefix });
  }, 60_000);
  afterAll(async () => {
    admin?.disconnect();
    await Promise.all(gateways.slice(1).map((g) => g.stop()));
    await stack?.stop();
    await cluster?.stop();
  });

  const url = (i: number) => (gateways[i] as GatewayHandle).url;
  const config = (): RedisConfig => redisConfigFromEnv(redisEnv) as RedisConfig;

  it('when placeOrder (@rateLimit limit 10) is called 25 times at once across the three, then exactly 10 orders are placed', async () => {
    const mutation = 'mutation { placeOrder(input: { userId: "41", items: [{ sku: "SKU-001", quantity: 1 }] }) { id } }';
    const caller = await bearer('41');
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => postGraphQL(url(i % 3), { query: mutation }, caller)));
    expect(results.filter((r) => r.status === 200 && r.body.data?.placeOrder)).toHaveLength(10);
    expect(results.filter((r) => r.status === 429 && r.body.errors?.[0]?.extensions?.code === 'RATE_LIMITED')).toHaveLength(15);
  });

  it('when one caller spends its cost budget across the three, then the fifth 201-point query is THROTTLED', async () => {
    // Capacity 1000, 1 point back per second: four users(first: 100) queries (201 each) fit, a fifth does not.
    const caller = await bearer('42');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await postGraphQL(url(i % 3), { query: '{ users(first: 100) { edges { node { id } } } }' }, caller)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });

  it('when a profile is cached on one instance and its user changes through another, then every instance serves the new data', async () => {
    const owner = await profileOwner('43');
    const first = await postGraphQL(url(0), { query: PROFILE, variables: { id: '43' } }, owner);
    const hit = await postGraphQL(url(1), { query: PROFILE, variables: { id: '43' } }, owner);
    expect(first.body.errors).toBeUndefined();
    expect(hit.headers.get('age')).not.toBeNull();

    const added = await postGraphQL(url(2), { query: 'mutation Add($sku: String!) { addToWishlist(userId: "43", sku: $sku, name: "Kettle") { count } }', variables: { sku: `SKU-${randomUUID()}` } }, owner);
    const after = await postGraphQL(url(1), { query: PROFILE, variables: { id: '43' } }, owner);

    expect(added.body.errors).toBeUndefined();
    expect(after.headers.get('age')).toBeNull();
    const count = (r: GraphQLResult) => (r.body.data?.user as { wishlist: { count: number } }).wishlist.count;
    expect(count(after)).toBe(count(first) + 1);
  });

  it('when an APQ hash is registered on one instance, then another runs it by hash, and plans built on one are shared', async () => {
    const query = `query Apq${randomUUID().replaceAll('-', '')} { user(id: "44") { id name } }`;
    const extensions = { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } };
    const registered = await postGraphQL(url(0), { query, extensions });
    const byHash = await postGraphQL(url(1), { extensions });
    expect(registered.body.errors).toBeUndefined();
    expect(byHash.body.data).toEqual(registered.body.data);
    expect((gateways[1] as GatewayHandle).planCacheStats().sharedHits).toBeGreaterThanOrEqual(1);
  });

  it('when a supergraph is published to the cluster, then every instance hears it and reloads', async () => {
    const published = `${SUPERGRAPH}\n# published ${randomUUID()}\n`;
    await publishToRedis(config(), published);
    // Pub/sub first; the poll (2 s here) is the safety net for a message lost while a subscriber reconnects.
    for (let i = 0; i < 200 && !reloads.every((r) => r.some((o) => o.status === 'updated')); i += 1) await sleep(50);
    expect(reloads.map((r) => r.some((o) => o.status === 'updated'))).toEqual([true, true, true]);
    expect((await postGraphQL(url(2), { query: '{ user(id: "1") { id } }' })).body.data).toEqual({ user: { id: '1' } });
  });

  it('when operations run on the instances, then their field usage is recorded in the cluster and read back by npm run check', async () => {
    const name = `Usage${randomUUID().replaceAll('-', '')}`;
    await Promise.all([0, 1, 2].map((i) => postGraphQL(url(i), { query: `query ${name} { user(id: "1") { id name } }` })));
    await Promise.all(gateways.map((g) => g.usage?.flush()));
    const usage = await readUsageFromRedis(config());
    expect(usage.get('User.name')?.operations).toContain(name);
  });

  it('when a token is revoked on one instance and every master is flushed, then it stays refused on every instance and a new one, and tokens issued later work', async () => {
    // Arrange
    const revoked = await signHs256({ sub: '45' });
    const older = await signHs256({ sub: '45' });
    const logout = await fetch(new URL('/auth/logout', url(0)), { method: 'POST', headers: { authorization: `Bearer ${revoked}` } });
    expect(logout.status).toBe(204);
    const statusOf = async (u: string, token: string) => (await postGraphQL(u, { query: '{ me { id } }' }, { authorization: `Bearer ${token}` })).status;
    expect(await Promise.all([0, 1, 2].map((i) => statusOf(url(i), revoked)))).toEqual([401, 401, 401]);
    await untilNextSecond();

    // Act: the cluster loses everything; one instance notices through a token issued before
    await cluster.flushAll();
    const olderAfterFlush = await statusOf(url(1), older);
    const marker = await waitForMarker('45');
    await untilNextSecond(marker);
    const fourth = await startTestGateway({ ...subgraphUrlEnv(stack.subgraphs), ...redisEnv });

    // Assert
    try {
      expect(olderAfterFlush).toBe(401);
      expect(await Promise.all([0, 1, 2].map((i) => statusOf(url(i), revoked)))).toEqual([401, 401, 401]);
      expect(await statusOf(fourth.url, revoked)).toBe(401);
      const fresh = await signHs256({ sub: '45' });
      expect(await Promise.all([url(0), url(1), url(2), fourth.url].map((u) => statusOf(u, fresh)))).toEqual([200, 200, 200, 200]);
    } finally {
      await fourth.stop();
    }
  });

  it('when a master is killed under load, then requests get 200 or their feature\'s 503 (never 401 or 500) while its replica is promoted, and everything is served again afterwards', async () => {
    // Arrange: callers spread over many hash tags, so some live on the master that dies
    const callers = await Promise.all(Array.from({ length: 24 }, (_, i) => bearer(String(500 + i))));
    const query = '{ me { id } }';
    const load = loadDuringFailover([0, 2].map((gateway) => ({ gateway, url: url(gateway) })), callers, query);
    await sleep(300);

    // Act
    const [victim] = await cluster.masters();
    await cluster.kill(victim as number);
    await cluster.waitHealthy(30_000);
    await sleep(1000);
    await load.stop();

    // Assert: the rules held (gateway 0: revocation fail-closed, limits fail-open; gateway 2 the
    // other way round), and the test did see the outage
    expect(unexpectedAnswers(load.seen)).toEqual([]);
    expect(load.seen.some((s) => s.status === 503)).toBe(true);
    // Recovery: each instance's client finds the promoted replica once its slot map is refreshed.
    const after = await statusesOnceServed(async () => (await Promise.all(callers.map((c, i) => postGraphQL(url(i % 3), { query }, c)))).map((r) => r.status));
    expect(after).toEqual(callers.map(() => 200));
  }, 60_000);

  /** The epoch marker of `subject`'s hash tag, once it exists again (ms, Redis's clock). */
  async function waitForMarker(subject: string): Promise<number> {
    for (let i = 0; i < 100; i += 1) {
      const marker = await admin.get(`${callerTag(subjectKey(subject))}:epoch`).catch(() => null);
      if (marker !== null) return Number(marker);
      await sleep(50);
    }
    throw new Error(`no epoch marker for subject ${subject}`);
  }
});

/** Waits until the whole second after `ms` has begun (tokens compare with the epoch in whole seconds). */
async function untilNextSecond(ms = Date.now()): Promise<void> {
  await sleep(Math.max(0, (Math.floor(ms / 1000) + 1) * 1000 - Date.now()) + 20);
}
