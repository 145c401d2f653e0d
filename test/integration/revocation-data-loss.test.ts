import { Redis } from 'ioredis';
import { subjectKey } from '../../gateway/src/limits/caller';
import type { GatewayHandle } from '../../gateway/src/server';
import { callerTag } from '../../gateway/src/store/hash-tags';
import { startOwnRedis, type OwnRedis } from '../helpers/own-redis';
import { postGraphQL, startStack, startExtraGateway, uniqueKeyPrefix, type Stack } from '../helpers/stack';
import { signHs256 } from '../helpers/tokens';

const ME = '{ me { id } }';

/**
 * Issue #13, item 1: a revoked token is never accepted again before it expires, however Redis
 * loses the revocation. A real redis-server without persistence, two gateway instances.
 */
describe('revocations when Redis loses its data', () => {
  let redis: OwnRedis;
  let stack: Stack;
  let second: GatewayHandle;
  let admin: Redis;
  const keyPrefix = uniqueKeyPrefix();
  const env = () => ({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: keyPrefix });
  beforeAll(async () => {
    redis = await startOwnRedis();
    admin = new Redis(redis.url, { keyPrefix, lazyConnect: true });
    await admin.connect();
    stack = await startStack({ subgraphs: ['users'], env: env() });
    second = await startExtraGateway(stack, env());
  });
  afterAll(async () => {
    await Promise.all([stack?.stop(), second?.stop()]);
    admin?.disconnect();
    await redis?.stop();
  });

  const statusOn = async (url: string, token: string) => (await postGraphQL(url, { query: ME }, { authorization: `Bearer ${token}` })).status;
  const statuses = (token: string) => Promise.all([statusOn(stack.gatewayUrl, token), statusOn(second.url, token)]);
  const logout = (token: string) => fetch(new URL('/auth/logout', stack.gatewayUrl), { method: 'POST', headers: { authorization: `Bearer ${token}` } });

  /** Waits until `subject`'s epoch marker exists again, then until a token signed now is issued in a later second. */
  async function waitForNewEpoch(subject: string): Promise<void> {
    let marker: string | null = null;
    for (let i = 0; marker === null && i < 100; i += 1) {
      marker = await admin.get(`${callerTag(subjectKey(subject))}:epoch`).catch(() => null);
      if (marker === null) await new Promise((r) => setTimeout(r, 50));
    }
    if (marker === null) throw new Error(`no epoch marker for subject ${subject}`);
    await untilNextSecond(Number(marker));
  }

  /** Waits until the whole second after `ms` has begun. */
  async function untilNextSecond(ms = Date.now()): Promise<void> {
    const nextSecond = (Math.floor(ms / 1000) + 1) * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, nextSecond - Date.now()) + 20));
  }

  it('when Redis restarts empty after a logout, then the revoked token stays refused on every instance (and on one started later), and a token issued afterwards works', async () => {
    // Arrange: a revoked token, refused everywhere
    const revoked = await signHs256({ sub: '21' });
    expect(await statuses(revoked)).toEqual([200, 200]);
    expect((await logout(revoked)).status).toBe(204);
    expect(await statuses(revoked)).toEqual([401, 401]);

    // Act: Redis comes back without the revocation
    await redis.restart();
    await waitForNewEpoch('21');
    const third = await startExtraGateway(stack, env());

    // Assert
    try {
      expect(await statuses(revoked)).toEqual([401, 401]);
      // A fresh instance heard no pub/sub message: the epoch marker alone refuses the token.
      expect(await statusOn(third.url, revoked)).toBe(401);
      const fresh = await signHs256({ sub: '21' });
      expect(await statuses(fresh)).toEqual([200, 200]);
      expect(await statusOn(third.url, fresh)).toBe(200);
    } finally {
      await third.stop();
    }
  });

  it('when Redis is flushed while the instances keep their connections, then a token revoked before stays refused, the subject\'s older tokens must sign in again, and new tokens work', async () => {
    // Arrange
    // Issued after the current epoch and in an earlier second than the flush (the rule compares whole seconds).
    await waitForNewEpoch('22');
    const revoked = await signHs256({ sub: '22' });
    const older = await signHs256({ sub: '22' });
    expect(await statuses(older)).toEqual([200, 200]);
    expect((await logout(revoked)).status).toBe(204);
    await untilNextSecond();

    // Act: no reconnect, so only the per-request check can notice the loss
    await admin.flushall();
    const revokedAfterFlush = await statuses(revoked);
    const olderAfterFlush = await statuses(older);
    await waitForNewEpoch('22');
    const third = await startExtraGateway(stack, env());

    // Assert
    try {
      expect(revokedAfterFlush).toEqual([401, 401]);
      expect(olderAfterFlush).toEqual([401, 401]);
      expect(await statusOn(third.url, revoked)).toBe(401);
      expect(await statuses(await signHs256({ sub: '22' }))).toEqual([200, 200]);
    } finally {
      await third.stop();
    }
  });

  it('when a token has no iat, then it is refused: nothing shows it was issued after the store\'s epoch', async () => {
    const token = await signHs256({ sub: '23', iat: undefined });
    expect(await statuses(token)).toEqual([401, 401]);
  });
});
