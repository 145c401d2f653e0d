import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { killChild, spawnRedis } from './own-redis';
import { freePort } from './ports';

const run = promisify(execFile);

export interface RedisClusterHandle {
  /** REDIS_CLUSTER_NODES for the gateway: every node. */
  nodesEnv: string;
  /** Ports of the nodes that are masters right now. */
  masters(): Promise<number[]>;
  /** SIGKILLs one node (no goodbye, as when a host dies). */
  kill(port: number): Promise<void>;
  /** FLUSHALL on every master (data loss without a restart). */
  flushAll(): Promise<void>;
  /** Until every live node reports cluster_state:ok and every replica is in sync with its master. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real Redis Cluster on free ports: `masters` masters with `replicasPerMaster` replicas each,
 * created by `redis-cli --cluster create`. Short timeouts (cluster-node-timeout 1000 ms) so a
 * failover takes a couple of seconds; replicas sync at once (no diskless-sync delay), and the
 * handle is returned only once they have. Each node's port is chosen so that its cluster bus port
 * (port + 10000) is free too.
 */
export async function startRedisCluster(opts: { masters?: number; replicasPerMaster?: number } = {}): Promise<RedisClusterHandle> {
  const count = (opts.masters ?? 3) * (1 + (opts.replicasPerMaster ?? 1));
  const dir = mkdtempSync(path.join(tmpdir(), 'frontdoor-cluster-'));
  const nodes = new Map<number, ChildProcess>();
  try {
    const ports = await portsWithFreeBus(count);
    await Promise.all(
      ports.map(async (port) => {
        const child = await spawnRedis(
          port,
          ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '1000', '--cluster-replica-validity-factor', '0', '--repl-diskless-sync-delay', '0', '--dir', dir],
          dir,
        );
        nodes.set(port, child);
      }),
    );
    const addresses = [...nodes.keys()].map((p) => `127.0.0.1:${p}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', String(opts.replicasPerMaster ?? 1), '--cluster-yes'], { timeout: 30_000 });
  } catch (err) {
    await Promise.all([...nodes.values()].map(killChild));
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  const alive = () => [...nodes.entries()].filter(([, c]) => c.exitCode === null && c.signalCode === null).map(([p]) => p);
  const withNode = async <T>(port: number, fn: (r: Redis) => Promise<T>): Promise<T> => {
    const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await r.connect();
      return await fn(r);
    } finally {
      r.disconnect();
    }
  };
  const masters = async () => {
    const roles = await Promise.all(alive().map(async (p) => ({ p, role: await withNode(p, (r) => r.role()) })));
    return roles.filter((x) => (x.role as unknown[])[0] === 'master').map((x) => x.p);
  };
  const handle: RedisClusterHandle = {
    nodesEnv: [...nodes.keys()].map((p) => `127.0.0.1:${p}`).join(','),
    masters,
    kill: async (port) => {
      const child = nodes.get(port);
      if (child) await killChild(child);
    },
    flushAll: async () => {
      await Promise.all((await masters()).map((p) => withNode(p, (r) => r.flushall())));
    },
    waitHealthy: async (timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const states = await Promise.all(alive().map((p) => withNode(p, async (r) => `${await r.cluster('INFO')}${await r.info('replication')}`).catch(() => '')));
        // A replica still loading its first copy would be promoted empty (cluster-replica-validity-factor 0).
        const synced = (s: string) => !s.includes('role:slave') || s.includes('master_link_status:up');
        if (states.every((s) => s.includes('cluster_state:ok') && synced(s))) return;
        if (Date.now() > deadline) throw new Error('the Redis cluster did not become healthy');
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop: async () => {
      await Promise.all([...nodes.values()].map(killChild));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await handle.waitHealthy();
  return handle;
}

/** Free ports whose bus port (+10000) is free as well, none within 10000 of another's bus. */
async function portsWithFreeBus(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = await freePort();
    const clashes = ports.some((p) => p === port || p === port + 10000 || p + 10000 === port);
    if (port + 10000 <= 65535 && !clashes && (await isFree(port + 10000))) ports.push(port);
  }
  return ports;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
