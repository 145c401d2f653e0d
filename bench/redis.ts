/**
 * The Redis behind the "Frontdoor with Redis" row. By default the bench starts its own
 * `redis-server` on a free port (no persistence, as a cache-only Redis runs): the machine's shared
 * Redis on 6379 also serves other test runs, whose load would land in our figures and ours in their
 * timings, and a server of our own makes the row reproducible wherever `redis-server` is installed.
 * BENCH_REDIS_URL points the row at an existing Redis instead (e.g. one on another host, as deployed);
 * either way the keys get a prefix of this run's own.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import type { BenchRedis } from './features';
import { freePort, type Child } from './processes';

export type BenchRedisStart = { ok: true; redis: BenchRedis; children: Child[]; origin: string } | { ok: false; reason: string };

export async function startBenchRedis(env: NodeJS.ProcessEnv = process.env): Promise<BenchRedisStart> {
  const keyPrefix = `bench:${randomUUID()}:`;
  if (env.BENCH_REDIS_URL) return { ok: true, redis: { url: env.BENCH_REDIS_URL, keyPrefix }, children: [], origin: `BENCH_REDIS_URL (${env.BENCH_REDIS_URL})` };
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const child: Child = { name: 'redis-server', proc, stderrTail: [] };
  const spawnError = new Promise<string>((resolve) => proc.once('error', (err) => resolve(err.message)));
  for (let i = 0; i < 50; i += 1) {
    const failed = await Promise.race([spawnError, new Promise<undefined>((r) => setTimeout(r, 100, undefined))]);
    if (failed !== undefined) return { ok: false, reason: `redis-server could not start (${failed})` };
    if (await answersPing(port)) return { ok: true, redis: { url: `redis://127.0.0.1:${port}`, keyPrefix }, children: [child], origin: `its own redis-server on port ${port}, no persistence` };
  }
  proc.kill('SIGKILL');
  return { ok: false, reason: 'redis-server did not answer PING within 5 s' };
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}
