import type { ApolloGateway } from '@apollo/gateway';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { ResponseCachePluginOptions } from '../plugins/response-cache';
import type { RedisClient } from '../redis';
import { createKeyValueStore } from '../store/create-store';
import { MemoryKeyValueStore } from '../store/memory-store';
import { ApqCache } from './apq-cache';
import { TrustedDocuments } from './manifest';
import { TwoLevelPlanCache } from './plan-cache';
import { ResponseCache } from './response-cache';
import { SupergraphIdentity } from './supergraph-identity';

/** Namespaces inside REDIS_KEY_PREFIX, one per kind of cached state. */
export const CACHE_NAMESPACES = {
  apq: 'apq:',
  plan: 'plan:',
  response: 'cache:response:',
  generation: 'cache:generation:',
} as const;

/** Responses kept in memory when there is no Redis: a byte bound, since responses vary in size. */
const MEMORY_RESPONSE_CACHE_BYTES = 64 * 1024 * 1024;

export interface Caches {
  supergraph: SupergraphIdentity;
  plans: TwoLevelPlanCache;
  /** For Apollo Server's `persistedQueries`; undefined when APQ_ENABLED=false and there is no manifest. */
  persistedQueries: ApqCache | undefined;
  trustedDocuments: TrustedDocuments | undefined;
  /** Undefined when RESPONSE_CACHE_ENABLED=false. */
  response: ResponseCachePluginOptions | undefined;
  /** Call once the gateway exists: keys follow its schema. */
  follow(gateway: ApolloGateway): void;
}

/** Builds every cache from the config: Redis-backed when the gateway has Redis, else in memory. */
export function buildCaches(config: Config, redis: RedisClient | undefined, log: Logger): Caches {
  const supergraph = new SupergraphIdentity();
  const { apq, trustedDocuments: trustedConfig, response, plan } = config.cache;
  const trustedDocuments = trustedConfig ? new TrustedDocuments(trustedConfig.operations) : undefined;
  const safelist = trustedConfig ? trustedConfig.safelist : false;
  // A manifest works by id even with APQ registration off: then only manifest ids resolve.
  const persistedQueries =
    apq || trustedDocuments
      ? new ApqCache({
          store: createKeyValueStore(redis, CACHE_NAMESPACES.apq),
          defaultTtlS: apq ? apq.ttlS : 1,
          trusted: trustedDocuments,
          manifestOnly: safelist || !apq,
          log,
        })
      : undefined;
  return {
    supergraph,
    plans: new TwoLevelPlanCache({
      maxEntries: plan.maxEntries,
      shared: plan.shared && redis ? createKeyValueStore(redis, CACHE_NAMESPACES.plan) : undefined,
      ttlS: plan.ttlS,
      supergraph,
      log,
    }),
    persistedQueries,
    trustedDocuments,
    response: response
      ? {
          cache: new ResponseCache(
            redis ? createKeyValueStore(redis, CACHE_NAMESPACES.response) : new MemoryKeyValueStore({ maxBytes: MEMORY_RESPONSE_CACHE_BYTES }),
            createKeyValueStore(redis, CACHE_NAMESPACES.generation),
            response,
            log,
          ),
          supergraph,
          forwardHeaders: config.subgraphs.forwardHeaders,
          maxAgeS: response.maxAgeS,
        }
      : undefined,
    follow: (gateway) => supergraph.follow(gateway),
  };
}
