// Removes this run's keys (some, such as revocation epoch markers, have no TTL) from the Redis
// the run used, then stops the redis-server that globalSetup spawned, if it spawned one.
const { Redis } = require('ioredis');

module.exports = async function redisGlobalTeardown() {
  const run = process.env.FRONTDOOR_TEST_RUN;
  if (run && process.env.REDIS_URL) {
    const redis = new Redis(process.env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `t:${run}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.unlink(...keys);
      } while (cursor !== '0');
    } catch {
      // Best effort: a Redis that is gone has nothing left to clean.
    } finally {
      redis.disconnect();
    }
  }
  const child = globalThis.__FRONTDOOR_REDIS__;
  if (child) child.kill('SIGTERM');
};
