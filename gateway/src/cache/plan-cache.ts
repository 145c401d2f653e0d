import type { GatewayConfig } from '@apollo/gateway';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../logger';
import type { KeyValueStore } from '../store/key-value-store';
import type { SupergraphIdentity } from './supergraph-identity';

/** What ApolloGateway accepts as `queryPlannerConfig.cache`. */
export type QueryPlanCache = NonNullable<NonNullable<GatewayConfig['queryPlannerConfig']>['cache']>;
type QueryPlan = NonNullable<Awaited<ReturnType<QueryPlanCache['get']>>>;

/**
 * Plans are specific to the planner that built them: a plan stored by another version of
 * @apollo/query-planner may have another shape, so the version is part of every shared key.
 */
const PLANNER_VERSION: string = (require('@apollo/query-planner/package.json') as { version: string }).version;

export interface PlanCacheOptions {
  /** Plans kept in this process (live objects, no parsing on a hit). */
  maxEntries: number;
  /** Redis behind the local LRU; undefined → this process only. */
  shared: KeyValueStore | undefined;
  /** How long a shared plan lives, in seconds. */
  ttlS: number;
  supergraph: SupergraphIdentity;
  log: Logger;
}

export interface PlanCacheStats {
  /** Served from this process's memory. */
  localHits: number;
  /** Served from Redis: a plan another instance (or this one, before eviction) built. */
  sharedHits: number;
  /** Not found anywhere: the gateway plans the operation (one planner call each). */
  misses: number;
  /** Shared entries that could not be used (unparsable, wrong shape, Redis errors). */
  sharedFailures: number;
}

/**
 * The query-plan cache, two levels: an in-memory LRU of live plan objects in front, Redis behind.
 *
 * A QueryPlan (with the default `exposeDocumentNodeInFetchNode: false`) is plain data: kinds,
 * subgraph names, operation strings, response paths, `requires` selections. A JSON round trip
 * loses only properties whose value is `undefined`, which `executeQueryPlan` treats like absent
 * ones; test/integration/plan-cache.test.ts executes a plan revived from Redis on another
 * instance. The LRU in front keeps JSON.parse and a Redis round trip off the hot path.
 *
 * Keys: the gateway's own key (sha256 of the query hash and operation name) under the
 * supergraph's hash and the planner's version, so a reloaded schema or an upgraded planner never
 * uses an old plan. `clear()` (the gateway calls it on every schema change) empties the local
 * level; shared entries of the old schema are simply no longer addressed and expire.
 */
export class TwoLevelPlanCache implements QueryPlanCache {
  private readonly local: LRUCache<string, QueryPlan>;
  private readonly counters: PlanCacheStats = { localHits: 0, sharedHits: 0, misses: 0, sharedFailures: 0 };

  constructor(private readonly opts: PlanCacheOptions) {
    this.local = new LRUCache<string, QueryPlan>({ max: opts.maxEntries });
  }

  async get(key: string): Promise<QueryPlan | undefined> {
    const fullKey = this.fullKey(key);
    const live = this.local.get(fullKey);
    if (live) {
      this.counters.localHits += 1;
      return live;
    }
    const revived = await this.readShared(fullKey);
    // A schema swap during the Redis round trip makes the plan belong to the previous schema.
    if (revived && this.fullKey(key) === fullKey) {
      this.counters.sharedHits += 1;
      this.local.set(fullKey, revived);
      return revived;
    }
    this.counters.misses += 1;
    return undefined;
  }

  async set(key: string, plan: QueryPlan): Promise<void> {
    const fullKey = this.fullKey(key);
    this.local.set(fullKey, plan);
    const shared = this.opts.shared;
    if (!shared) return;
    // Not awaited: the request that planned need not wait for Redis; other instances re-plan
    // at worst. Failures are logged, never thrown into the request.
    shared.set(fullKey, JSON.stringify(plan), this.opts.ttlS * 1000).catch((err: unknown) => {
      this.opts.log.warn({ error: (err as Error).message }, 'query plan not shared: redis write failed');
    });
  }

  async delete(key: string): Promise<boolean> {
    const fullKey = this.fullKey(key);
    const had = this.local.delete(fullKey);
    await this.opts.shared?.delete(fullKey).catch(() => undefined);
    return had;
  }

  clear(): void {
    this.local.clear();
  }

  /** Counters since start (for metrics and tests). */
  stats(): Readonly<PlanCacheStats> {
    return { ...this.counters };
  }

  private fullKey(key: string): string {
    return `${this.opts.supergraph.hash}:${PLANNER_VERSION}:${key}`;
  }

  private async readShared(fullKey: string): Promise<QueryPlan | undefined> {
    const shared = this.opts.shared;
    if (!shared) return undefined;
    let text: string | null;
    try {
      text = await shared.get(fullKey);
    } catch (err) {
      this.counters.sharedFailures += 1;
      this.opts.log.warn({ error: (err as Error).message }, 'shared query plan unavailable: redis read failed, planning locally');
      return undefined;
    }
    if (text === null) return undefined;
    const plan = parsePlan(text);
    if (!plan) {
      this.counters.sharedFailures += 1;
      this.opts.log.warn({ key: fullKey }, 'shared query plan ignored: not a query plan');
    }
    return plan;
  }
}

function parsePlan(text: string): QueryPlan | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'QueryPlan') return value as QueryPlan;
  } catch {
    // fall through: treated as absent
  }
  return undefined;
}
