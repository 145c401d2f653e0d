import { z } from 'zod';
import { int } from '../env-values';

/** The replica variables, merged into config.ts's one EnvSchema. docs/configuration.md ("Subgraph replicas") documents each; docs/resilience.md how replica sets behave. */
export const REPLICA_ENV = {
  /** How calls are spread over a subgraph's healthy replicas: `round-robin` or `least-outstanding` (fewest calls in flight). @default round-robin */
  SUBGRAPH_LOAD_BALANCING: z.enum(['round-robin', 'least-outstanding']).default('round-robin'),
  /** Consecutive failed attempts (transport error, timeout, 5xx) that take a replica out. @default 3 */
  SUBGRAPH_REPLICA_FAILURE_THRESHOLD: int(1, 1000).default(3),
  /** How long a replica stays out before one trial request may go to it, in ms. @default 10000 */
  SUBGRAPH_REPLICA_COOLDOWN_MS: int(10, 3_600_000).default(10_000),
};

const ReplicaEnvSchema = z.object(REPLICA_ENV);
type ReplicaEnv = z.output<typeof ReplicaEnvSchema>;

export type BalancingPolicy = ReplicaEnv['SUBGRAPH_LOAD_BALANCING'];

export interface ReplicaConfig {
  /** Subgraph name (lower case) → its replica URLs, only for subgraphs configured with two or more. */
  urlsBySubgraph: Readonly<Record<string, readonly string[]>>;
  balancing: BalancingPolicy;
  failureThreshold: number;
  cooldownMs: number;
}

export function toReplicaConfig(e: ReplicaEnv, urlLists: Record<string, readonly string[]>): ReplicaConfig {
  return {
    urlsBySubgraph: Object.fromEntries(Object.entries(urlLists).filter(([, urls]) => urls.length > 1)),
    balancing: e.SUBGRAPH_LOAD_BALANCING,
    failureThreshold: e.SUBGRAPH_REPLICA_FAILURE_THRESHOLD,
    cooldownMs: e.SUBGRAPH_REPLICA_COOLDOWN_MS,
  };
}

const URL_OVERRIDE_PREFIX = 'SUBGRAPH_URL_';

/**
 * `SUBGRAPH_URL_<NAME>=<url>[,<url>…]` → { name: [urls] }. One URL overrides the supergraph's routing URL
 * (as before replicas existed); several make the subgraph a replica set. Replicas are labelled by
 * host:port in metrics, so two URLs of one list may not share a host:port.
 */
export function readSubgraphUrlLists(env: Record<string, unknown>, problems: string[]): Record<string, readonly string[]> {
  const out: Record<string, readonly string[]> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith(URL_OVERRIDE_PREFIX) || value === undefined) continue;
    const name = key.slice(URL_OVERRIDE_PREFIX.length).toLowerCase();
    const urls = String(value).split(',').map((u) => u.trim()).filter(Boolean);
    const bad = urls.filter((u) => !isHttpUrl(u));
    if (!name) problems.push(`${key}: needs a subgraph name after ${URL_OVERRIDE_PREFIX}`);
    else if (urls.length === 0 || bad.length > 0) problems.push(`${key}: must be an http(s) URL or a comma-separated list of them (got ${JSON.stringify(value)})`);
    else if (new Set(urls.map(replicaLabel)).size !== urls.length) problems.push(`${key}: two replicas share a host:port (got ${JSON.stringify(value)})`);
    else out[name] = urls;
  }
  return out;
}

/** A replica's metric label and log name: host:port from config (bounded, never a path or credentials). */
export function replicaLabel(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
