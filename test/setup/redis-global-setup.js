// Jest globalSetup for suites that need Redis: reuse REDIS_URL when it is set (a CI service),
// else the machine's server on 127.0.0.1:6379, else spawn `redis-server` on a free port for this
// run. Tests isolate themselves with a unique key prefix, never FLUSHALL.
const net = require('node:net');
const { spawn } = require('node:child_process');

function ping(host, port, timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

module.exports = async function redisGlobalSetup() {
  // Every key prefix of this run starts with it (helpers/stack.ts uniqueKeyPrefix), so teardown
  // can remove this run's keys from a shared Redis without touching anyone else's.
  process.env.FRONTDOOR_TEST_RUN = require('node:crypto').randomUUID();
  if (process.env.REDIS_URL) {
    const url = new URL(process.env.REDIS_URL);
    if (await ping(url.hostname, Number(url.port || 6379))) return;
    throw new Error(`REDIS_URL=${process.env.REDIS_URL} does not answer PING`);
  }
  if (await ping('127.0.0.1', 6379)) {
    process.env.REDIS_URL = 'redis://127.0.0.1:6379';
    return;
  }
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  globalThis.__FRONTDOOR_REDIS__ = child;
  for (let i = 0; i < 50; i += 1) {
    if (await ping('127.0.0.1', port)) {
      process.env.REDIS_URL = `redis://127.0.0.1:${port}`;
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('could not start redis-server for the tests (is it installed?)');
};
