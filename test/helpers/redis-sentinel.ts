import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { answersPing, killChild, spawnRedis } from './own-redis';
import { freePort } from './ports';

export const SENTINEL_MASTER_NAME = 'frontdoor';

export interface RedisSentinelHandle {
  /** REDIS_SENTINELS for the gateway. */
  sentinelsEnv: string;
  /** The port of the server Sentinel currently names as master. */
  masterPort(): Promise<number>;
  /** The port of the other data server (a replica while both run). */
  replicaPort(): Promise<number>;
  /** SIGKILLs one data server. */
  kill(port: number): Promise<void>;
  /** SIGSTOP / SIGCONT: a server that is alive but does not answer (its replication link stalls). */
  pause(port: number): void;
  resume(port: number): void;
  /** Until Sentinel names a live master that has a replica in sync, or only a live master once the other is dead. */
  waitForMaster(port?: number, timeoutMs?: number): Promise<number>;
  stop(): Promise<void>;
}

/**
 * A real Sentinel setup on free ports: a master, one replica and one sentinel (quorum 1) run as
 * `redis-server <config> --sentinel` with its config file in a temporary directory (there is no
 * redis-sentinel binary here). down-after-milliseconds 1000, so a failover takes a few seconds.
 */
export async function startRedisSentinel(): Promise<RedisSentinelHandle> {
  const dir = mkdtempSync(path.join(tmpdir(), 'frontdoor-sentinel-'));
  const children = new Map<number, ChildProcess>();
  try {
    const [masterPort, replicaPort, sentinelPort] = [await freePort(), await freePort(), await freePort()] as [number, number, number];
    // Their own directory: a replica writes the copy it receives to disk (dump.rdb).
    children.set(masterPort, await spawnRedis(masterPort, ['--repl-diskless-sync-delay', '0', '--dir', dir]));
    children.set(replicaPort, await spawnRedis(replicaPort, ['--replicaof', '127.0.0.1', String(masterPort), '--repl-diskless-sync-delay', '0', '--dir', dir]));
    const config = path.join(dir, 'sentinel.conf');
    writeFileSync(
      config,
      [
        `port ${sentinelPort}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${SENTINEL_MASTER_NAME} 127.0.0.1 ${masterPort} 1`,
        `sentinel down-after-milliseconds ${SENTINEL_MASTER_NAME} 1000`,
        `sentinel failover-timeout ${SENTINEL_MASTER_NAME} 5000`,
        '',
      ].join('\n'),
    );
    const sentinel = spawn('redis-server', [config, '--sentinel'], { stdio: 'ignore' });
    children.set(sentinelPort, sentinel);
    for (let i = 0; i < 100 && !(await answersPing(sentinelPort)); i += 1) await new Promise((r) => setTimeout(r, 50));

    const dataPorts = [masterPort, replicaPort];
    const alive = (port: number) => {
      const c = children.get(port);
      return c !== undefined && c.exitCode === null && c.signalCode === null;
    };
    const ask = async <T>(port: number, fn: (r: Redis) => Promise<T>): Promise<T> => {
      const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      try {
        await r.connect();
        return await fn(r);
      } finally {
        r.disconnect();
      }
    };
    const masterPortNow = async () => Number((await ask(sentinelPort, (r) => r.call('SENTINEL', 'get-master-addr-by-name', SENTINEL_MASTER_NAME)) as string[])[1]);
    const handle: RedisSentinelHandle = {
      sentinelsEnv: `127.0.0.1:${sentinelPort}`,
      masterPort: masterPortNow,
      replicaPort: async () => {
        const master = await masterPortNow();
        return dataPorts.find((p) => p !== master) as number;
      },
      kill: async (port) => {
        const child = children.get(port);
        if (child) await killChild(child);
      },
      pause: (port) => void children.get(port)?.kill('SIGSTOP'),
      resume: (port) => void children.get(port)?.kill('SIGCONT'),
      waitForMaster: async (notPort, timeoutMs = 20_000) => {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const master = await masterPortNow().catch(() => 0);
          if (master && master !== notPort && alive(master)) {
            const info = await ask(master, (r) => r.info('replication')).catch(() => '');
            const others = dataPorts.filter((p) => p !== master && alive(p));
            // A live replica must be in sync; once the other server is dead the master alone will do.
            // …and Sentinel must know that replica, or it has nobody to promote.
            const known = others.length === 0 || ((await ask(sentinelPort, (r) => r.call('SENTINEL', 'replicas', SENTINEL_MASTER_NAME)).catch(() => [])) as unknown[]).length > 0;
            if (info.includes('role:master') && known && (others.length === 0 || /slave0:.*state=online/.test(info))) return master;
          }
          if (Date.now() > deadline) throw new Error('Sentinel did not name a ready master');
          await new Promise((r) => setTimeout(r, 100));
        }
      },
      stop: async () => {
        await Promise.all([...children.values()].map(killChild));
        rmSync(dir, { recursive: true, force: true });
      },
    };
    await handle.waitForMaster();
    return handle;
  } catch (err) {
    await Promise.all([...children.values()].map(killChild));
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
