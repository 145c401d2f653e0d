import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startRedisCountingProxy, type RedisCountingProxy, type RedisTraffic } from '../helpers/redis-counting-proxy';
import { postGraphQL, startStack, testRedisUrl, uniqueKeyPrefix, type Stack } from '../helpers/stack';
import { bearer } from '../helpers/tokens';

const PROFILE = readFileSync(path.resolve(__dirname, '../../gateway/operations/profile.graphql'), 'utf8');
const APQ = { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(PROFILE).digest('hex') } };

/**
 * The gate script (limits/gate-script.ts) sent for a refund alone carries no revocation check
 * (-2) and no limits (0): told apart so a flush landing next to a request is not counted as its.
 */
function gateLabel(args: readonly string[]): string {
  const name = (args[0] ?? '').toUpperCase();
  if (name !== 'EVALSHA') return name;
  const keys = Number(args[2]);
  return args[3 + keys] === '-2' && args[4 + keys] === '0' ? 'REFUND' : name;
}

/**
 * Issue #13, item 4: the Redis round trips of one profile request with every shared feature on
 * (revocation, global rate limit, cost budget, response cache, APQ, shared plan cache, usage,
 * the published supergraph), counted by a TCP relay in front of the real Redis.
 *
 * Before the request gate, the same request took 6 round trips (8 commands on a cache miss, 7 on
 * a hit): EXISTS (revocation), EVALSHA (global limit), EVALSHA (budget), then the cache's
 * generations, then its entries, then EVALSHA (refund) and the SET of a miss.
 */
describe('Redis round trips of one profile request, every shared feature on', () => {
  let proxy: RedisCountingProxy;
  let stack: Stack;
  let admin: Record<string, string>;
  beforeAll(async () => {
    proxy = await startRedisCountingProxy(testRedisUrl(), gateLabel);
    stack = await startStack({
      env: {
        REDIS_URL: proxy.url,
        REDIS_KEY_PREFIX: uniqueKeyPrefix(),
        SUPERGRAPH_SOURCE: 'redis',
        SUPERGRAPH_POLL_MS: '3600000',
        USAGE_FLUSH_MS: '3600000',
      },
    });
    // One caller throughout (an admin may read any profile), so refunds ride on its next request.
    admin = await bearer('ops-1', 'admin');
    // Warm-up: registers the APQ hash and plans the operation.
    const warm = await postGraphQL(stack.gatewayUrl, { query: PROFILE, extensions: APQ, variables: { id: '1' } }, admin);
    expect(warm.body.errors).toBeUndefined();
    // Its writes that follow the answer (shared plan, APQ hash, cache entry) land before counting starts.
    for (let seen = -1; seen !== proxy.traffic().commands.length; ) {
      seen = proxy.traffic().commands.length;
      await new Promise((r) => setTimeout(r, 300));
    }
  });
  afterAll(async () => {
    await stack?.stop();
    await proxy?.stop();
  });

  /** The profile by its APQ hash alone, as a registered client sends it. */
  const postApq = async (id: string) => {
    const res = await postGraphQL(stack.gatewayUrl, { extensions: APQ, variables: { id } }, admin);
    expect(res.body.errors).toBeUndefined();
    return res;
  };

  /** The round trips so far, once `count` SETs (cache stores, written after the answer) have gone out. */
  async function trafficAfterSets(count: number): Promise<RedisTraffic> {
    for (let i = 0; i < 200 && proxy.traffic().commands.filter((c) => c === 'SET').length < count; i += 1) await new Promise((r) => setTimeout(r, 10));
    const traffic = proxy.traffic();
    // A refund flushed on its own (limits/pending-refunds.ts) belongs to an earlier request.
    const exchanges = traffic.exchanges.map((e) => e.filter((c) => c !== 'REFUND')).filter((e) => e.length > 0);
    return { ...traffic, exchanges };
  }

  // Four GETs: the entries of both scopes, and the generations of the user read and of the caller.
  const ONE_ROUND_TRIP = ['EVALSHA', 'GET', 'GET', 'GET', 'GET'];

  it('when the profile is not cached, then the request waits for one round trip (gate + cache lookup) and the store follows the answer', async () => {
    proxy.reset();
    const res = await postApq('2');
    const traffic = await trafficAfterSets(1);

    expect(res.headers.get('age')).toBeNull();
    expect(traffic.exchanges).toEqual([ONE_ROUND_TRIP, ['SET']]);
  });

  it('when the profile is cached, then the whole request is that one round trip', async () => {
    proxy.reset();
    const hit = await postApq('2');
    // A request that misses after it marks where the hit's traffic ends: it starts with a gate of its own.
    await postApq('3');
    const traffic = await trafficAfterSets(1);

    expect(hit.headers.get('age')).not.toBeNull();
    expect(traffic.exchanges).toEqual([ONE_ROUND_TRIP, ONE_ROUND_TRIP, ['SET']]);
  });
});
