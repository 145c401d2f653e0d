import { z } from 'zod';
import { bool, int } from '../env-values';

/** `host:port,host:port,…` (IPv6 hosts in brackets). */
const hostPortList = z.string().transform((v, ctx) => {
  const nodes: RedisNode[] = [];
  for (const entry of v.split(',').map((s) => s.trim()).filter(Boolean)) {
    const match = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/.exec(entry);
    const port = Number(match?.[2]);
    if (!match?.[1] || !(port > 0 && port < 65536)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${entry}" is not host:port` });
      return z.NEVER;
    }
    nodes.push({ host: match[1].replace(/^\[|\]$/g, ''), port });
  }
  if (nodes.length === 0) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must list at least one host:port' });
    return z.NEVER;
  }
  return nodes;
});

/** The shared store's connection, merged into config.ts's one schema. docs/configuration.md documents each. */
export const REDIS_ENV = {
  /** One Redis for state shared by every instance (limits, revocations, caches). Unset (and no cluster or Sentinel) → in-memory stores (one instance only). @default unset */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  /** Redis Cluster: some of its nodes as `host:port,host:port,…`; the rest are discovered. Instead of REDIS_URL. @default unset */
  REDIS_CLUSTER_NODES: hostPortList.optional(),
  /** Redis through Sentinel: the sentinels as `host:port,…`, with REDIS_SENTINEL_NAME. Instead of REDIS_URL. @default unset */
  REDIS_SENTINELS: hostPortList.optional(),
  /** The master name the sentinels monitor (`sentinel monitor <name> …`). @default unset */
  REDIS_SENTINEL_NAME: z.string().min(1).optional(),
  /** Password of the Redis nodes with REDIS_CLUSTER_NODES or REDIS_SENTINELS (REDIS_URL carries its own). Never logged. @default unset */
  REDIS_PASSWORD: z.string().min(1).optional(),
  /** Prefix of every key the gateway writes, so several deployments (or tests) can share one Redis. No braces: they would change the keys' hash slots. @default frontdoor: */
  REDIS_KEY_PREFIX: z.string().max(100).regex(/^[^{}]*$/, 'must not contain { or } (they would decide the keys\' cluster hash slots)').default('frontdoor:'),
  /** Longest wait for one Redis command, in milliseconds; past it the feature's fail-open/closed rule applies. @default 500 */
  REDIS_COMMAND_TIMEOUT_MS: int(10, 60_000).default(500),
  /** Longest wait for a Redis connection, in milliseconds. @default 2000 */
  REDIS_CONNECT_TIMEOUT_MS: int(10, 60_000).default(2000),
  /** `true`: GET /ready answers 503 while Redis does not answer. `false`: reported as degraded, the instance stays in the load balancer (every instance shares the one Redis). @default false */
  REDIS_DOWN_NOT_READY: bool.default(false),
};

const RedisEnvSchema = z.object(REDIS_ENV);
type RedisEnv = z.output<typeof RedisEnvSchema>;

export interface RedisNode {
  host: string;
  port: number;
}

/** Where Redis is: one server (REDIS_URL), a Redis Cluster, or a primary that Sentinel watches. */
export type RedisTopology =
  | { kind: 'single'; url: string }
  | { kind: 'cluster'; nodes: readonly RedisNode[] }
  | { kind: 'sentinel'; sentinels: readonly RedisNode[]; name: string };

export interface RedisConfig {
  topology: RedisTopology;
  /** Cluster and Sentinel nodes' password (a single server's is in its URL). Never logged. */
  password: string | undefined;
  keyPrefix: string;
  commandTimeoutMs: number;
  connectTimeoutMs: number;
  /** Whether an unanswered PING fails readiness (else it is reported as degraded). */
  downNotReady: boolean;
}

/** `false` when no Redis is configured: every store is in-memory. Problems (two topologies, a Sentinel without a name) go to `problems`. */
export function toRedisConfig(e: RedisEnv, problems: string[]): false | RedisConfig {
  const topology = toTopology(e, problems);
  if (!topology) return false;
  return {
    topology,
    password: e.REDIS_PASSWORD,
    keyPrefix: e.REDIS_KEY_PREFIX,
    commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
    connectTimeoutMs: e.REDIS_CONNECT_TIMEOUT_MS,
    downNotReady: e.REDIS_DOWN_NOT_READY,
  };
}

function toTopology(e: RedisEnv, problems: string[]): RedisTopology | undefined {
  const set = (['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'] as const).filter((k) => e[k] !== undefined);
  if (set.length > 1) problems.push(`${set.join(', ')}: set one of them (one server, a cluster, or Sentinel), not ${set.length}`);
  if (e.REDIS_SENTINELS && !e.REDIS_SENTINEL_NAME) problems.push('REDIS_SENTINEL_NAME: needed with REDIS_SENTINELS (the master name the sentinels monitor)');
  if (e.REDIS_SENTINEL_NAME && !e.REDIS_SENTINELS) problems.push('REDIS_SENTINEL_NAME: only means something with REDIS_SENTINELS');
  if (e.REDIS_URL) return { kind: 'single', url: e.REDIS_URL };
  if (e.REDIS_CLUSTER_NODES) return { kind: 'cluster', nodes: e.REDIS_CLUSTER_NODES };
  if (e.REDIS_SENTINELS) return { kind: 'sentinel', sentinels: e.REDIS_SENTINELS, name: e.REDIS_SENTINEL_NAME ?? '' };
  return undefined;
}

/**
 * The same variables read outside the gateway (scripts/publish.ts, `npm run check`): the Redis
 * config, `false` when none is set; throws with every problem when they are invalid.
 */
export function redisConfigFromEnv(env: Readonly<Record<string, string | undefined>>): false | RedisConfig {
  const defined = Object.fromEntries(Object.entries(env).filter(([k, v]) => k in REDIS_ENV && v !== undefined && v !== ''));
  const parsed = RedisEnvSchema.safeParse(defined);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  const config = parsed.success ? toRedisConfig(parsed.data, problems) : false;
  if (problems.length > 0) throw new Error(`invalid Redis settings: ${problems.join('; ')}`);
  return config;
}

/** Where Redis is, for logs: hosts and ports only, never a password. */
export function describeTopology(topology: RedisTopology): string {
  const list = (nodes: readonly RedisNode[]) => nodes.map((n) => `${n.host}:${n.port}`).join(',');
  switch (topology.kind) {
    case 'single': {
      try {
        const u = new URL(topology.url);
        return `${u.protocol}//${u.host}${u.pathname}`;
      } catch {
        return '[invalid]';
      }
    }
    case 'cluster':
      return `cluster ${list(topology.nodes)}`;
    case 'sentinel':
      return `sentinel ${topology.name} via ${list(topology.sentinels)}`;
  }
}
