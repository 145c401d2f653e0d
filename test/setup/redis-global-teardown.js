// Stops the redis-server that globalSetup spawned, if it spawned one.
module.exports = async function redisGlobalTeardown() {
  const child = globalThis.__FRONTDOOR_REDIS__;
  if (child) child.kill('SIGTERM');
};
