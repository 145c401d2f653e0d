import { Redis } from 'ioredis';
import pino from 'pino';
import type { GatewayHandle } from '../../gateway/src/server';
import { loadDuringFailover, statusesOnceServed, unexpectedAnswers } from '../helpers/failover-load';
import { SENTINEL_MASTER_NAME, startRedisSentinel, type RedisSentinelHandle } from '../helpers/redis-sentinel';
import { postGraphQL, startStack, startExtraGateway, uniqueKeyPrefix, type Stack } from '../helpers/stack';
import { bearer, signHs256 } from '../helpers/tokens';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ME = '{ me { id } }';

/**
 * Redis through Sentinel (issue #13, item 3): a master, a replica and one sentinel, two gateway
 * instances (the second with the opposite failure rules). The last test kills the master.
 */
describe('gateways on Redis through Sentinel', () => {
  let sentinel: RedisSentinelHandle;
  let stack: Stack;
  let second: GatewayHandle;
  const keyPrefix = uniqueKeyPrefix();
  let env: Record<string, string>;
  const warnings: string[] = [];
  beforeAll(async () => {
    sentinel = await startRedisSentinel();
    env = { REDIS_SENTINELS: sentinel.sentinelsEnv, REDIS_SENTINEL_NAME: SENTINEL_MASTER_NAME, REDIS_KEY_PREFIX: keyPrefix };
    const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push((JSON.parse(line) as { msg: string }).msg) });
    stack = await startStack({ subgraphs: ['users'], env, gatewayDeps: { log } });
    second = await startExtraGateway(stack, { ...env, RATE_LIMIT_FAILURE_MODE: 'fail-closed', AUTH_REVOCATION_FAIL_OPEN: 'true' });
  }, 60_000);
  afterAll(async () => {
    await second?.stop();
    await stack?.stop();
    await sentinel?.stop();
  });

  const urls = () => [stack.gatewayUrl, second.url];
  const statusOf = async (url: string, token: string) => (await postGraphQL(url, { query: ME }, { authorization: `Bearer ${token}` })).status;

  let revoked: string;
  let kept: string;

  it('when a token is revoked, then logout answers only once the replica has the revocation (AUTH_REVOCATION_REPLICAS defaults to 1)', async () => {
    revoked = await signHs256({ sub: '61' });
    kept = await signHs256({ sub: '62' });
    expect(await Promise.all(urls().map((u) => statusOf(u, kept)))).toEqual([200, 200]);
    // The replica acknowledges writes at all (its link can still be settling right after start on a
    // loaded machine); from here on the gateway's WAIT is what is under test.
    const master = new Redis({ port: await sentinel.masterPort(), host: '127.0.0.1' });
    await master.set(`${keyPrefix}warm-up`, '1');
    expect(await master.wait(1, 10_000).finally(() => master.disconnect())).toBe(1);

    const logout = await fetch(new URL('/auth/logout', stack.gatewayUrl), { method: 'POST', headers: { authorization: `Bearer ${revoked}` } });
    // Read straight from the replica, right after the 204: WAIT made sure it is there.
    const replica = new Redis({ port: await sentinel.replicaPort(), host: '127.0.0.1', keyPrefix });
    const onReplica = await replica.keys('*:revoked:*').finally(() => replica.disconnect());

    expect(logout.status).toBe(204);
    expect(onReplica).toHaveLength(1);
    expect(warnings.filter((w) => w.includes('fewer replicas'))).toEqual([]);
    expect(await Promise.all(urls().map((u) => statusOf(u, revoked)))).toEqual([401, 401]);
  });

  it('when the replica stalls during a logout, then logout still answers 204 (the master has it) and a warning names the missing acknowledgement', async () => {
    const token = await signHs256({ sub: '63' });
    const replica = await sentinel.replicaPort();
    const earlier = warnings.length;
    sentinel.pause(replica);
    try {
      const logout = await fetch(new URL('/auth/logout', stack.gatewayUrl), { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      expect(logout.status).toBe(204);
      expect(warnings.slice(earlier).filter((w) => w.includes('fewer replicas'))).toHaveLength(1);
    } finally {
      sentinel.resume(replica);
    }
    expect(await statusOf(second.url, token)).toBe(401);
  });

  it('when the master is killed under load, then requests get 200 or their feature\'s 503 while Sentinel promotes the replica, the revocation survives, and everything is served again', async () => {
    // Arrange
    const callers = await Promise.all(Array.from({ length: 8 }, (_, i) => bearer(String(600 + i))));
    const load = loadDuringFailover(urls().map((url, gateway) => ({ gateway, url })), callers, ME);
    await sleep(300);

    // Act
    const oldMaster = await sentinel.masterPort();
    await sentinel.kill(oldMaster);
    await sentinel.waitForMaster(oldMaster, 30_000);
    await sleep(500);
    await load.stop();

    // Assert: the rules held during the failover, and the test saw it
    expect(unexpectedAnswers(load.seen)).toEqual([]);
    expect(load.seen.some((s) => s.status === 503)).toBe(true);
    const after = await statusesOnceServed(async () => (await Promise.all(callers.map((c, i) => postGraphQL(urls()[i % 2] as string, { query: ME }, c)))).map((r) => r.status));
    expect(after).toEqual(callers.map(() => 200));
    // A new instance has no local copy of the revocation: the promoted replica itself refuses it,
    // and its epoch markers are intact (a token from before the failover still works).
    const fresh = await startExtraGateway(stack, env);
    try {
      expect(await statusOf(fresh.url, revoked)).toBe(401);
      expect(await statusOf(fresh.url, kept)).toBe(200);
    } finally {
      await fresh.stop();
    }
  }, 60_000);
});
