import pino from 'pino';
import { register } from 'prom-client';
import { startOwnRedis, type OwnRedis } from '../helpers/own-redis';
import { startStack, uniqueKeyPrefix, type Stack } from '../helpers/stack';

const QUERY = '{ user(id: "1") { id } }';

/** Requests must never hang on a dead Redis: the test's jest timeout bounds a hang (it measures no speed). */
const HANG_BOUND_MS = 20_000;

describe.each([
  ['fail-open', 200],
  ['fail-closed', 503],
] as const)('when Redis stops mid-test with RATE_LIMIT_FAILURE_MODE=%s', (mode, expectedStatus) => {
  let redis: OwnRedis;
  let stack: Stack;
  const warnings: Array<{ msg: string }> = [];
  beforeAll(async () => {
    redis = await startOwnRedis();
    const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line) as { msg: string }) });
    stack = await startStack({
      subgraphs: ['users'],
      gatewayDeps: { log },
      env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: uniqueKeyPrefix(), RATE_LIMIT_FAILURE_MODE: mode, RATE_LIMIT_PER_MINUTE: '5' },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await redis?.kill();
  });

  it(`then requests are answered with ${expectedStatus}, and limits ${mode === 'fail-open' ? 'still hold per instance' : 'refuse with RATE_LIMITER_UNAVAILABLE'}`, async () => {
    // Arrange: counted in Redis while it is up (2 of 5)
    expect((await stack.query(QUERY)).status).toBe(200);
    expect((await stack.query(QUERY)).status).toBe(200);

    const fallbacksBefore = await fallbackCount();

    // Act
    await redis.kill();
    const outage = [];
    for (let i = 0; i < 6; i += 1) outage.push({ res: await stack.query(QUERY) });

    // Assert
    if (mode === 'fail-open') {
      // The per-instance fallback starts from zero: 5 more allowed, then 429 — limits never switch off.
      expect(outage.map((o) => o.res.status)).toEqual([200, 200, 200, 200, 200, 429]);
      expect(outage[0]?.res.body.data).toEqual({ user: { id: '1' } });
      expect(warnings.map((w) => w.msg)).toContain('redis unavailable: limits fall back to this instance (fail-open)');
      expect(await fallbackCount()).toBeGreaterThanOrEqual(fallbacksBefore + 6);
    } else {
      for (const { res } of outage) {
        expect(res.status).toBe(503);
        expect(res.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITER_UNAVAILABLE');
        expect(res.headers.get('retry-after')).toBe('1');
      }
    }
  }, HANG_BOUND_MS);
});

/** frontdoor_limits_redis_fallback_total, all kinds together. */
async function fallbackCount(): Promise<number> {
  const metric = register.getSingleMetric('frontdoor_limits_redis_fallback_total');
  if (!metric) return 0;
  return (await metric.get()).values.reduce((sum, v) => sum + v.value, 0);
}
