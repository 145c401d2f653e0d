/** Secrets of the benchmark's own deployment (never the development defaults: it runs NODE_ENV=production). */
export const BENCH_JWT_SECRET = 'frontdoor-bench-jwt-secret-0123456789abcdef';
export const BENCH_IDENTITY_SECRET = 'frontdoor-bench-identity-secret-0123456789abcdef';

/** Where Frontdoor keeps its shared state in the "with Redis" row: a server and a key prefix of this run's own. */
export interface BenchRedis {
  url: string;
  keyPrefix: string;
}

/**
 * "Frontdoor with every feature on", in one place: the environment of the Frontdoor process. Every
 * request carries its caller's token (bench/tokens.ts). Keep entries production-like.
 */
export function frontdoorFeatureEnv(redis?: BenchRedis): Record<string, string> {
  return {
    NODE_ENV: 'production',
    // One access-log line per request, as in production (written to a discarded stdout).
    LOG_LEVEL: 'info',
    // Authentication (every request carries a token, verified with jose) and identity signing
    // towards the subgraphs; authorization directives in filter mode (the default).
    AUTH_JWT_SECRET: BENCH_JWT_SECRET,
    SUBGRAPH_IDENTITY_SECRET: BENCH_IDENTITY_SECRET,
    // Rate limits, demand control and cost budgets are all evaluated on every request, per caller;
    // the limits are set high enough that no benchmark caller is ever throttled.
    RATE_LIMIT_ENABLED: 'true',
    RATE_LIMIT_PER_MINUTE: '1000000',
    COST_MODE: 'enforce',
    COST_BUDGET_ENABLED: 'true',
    COST_BUDGET_CAPACITY: '100000000',
    COST_BUDGET_RESTORE_PER_SECOND: '100000000',
    // Resilience: per-subgraph breaker, budgeted retries and in-flight dedup, spelled out so a
    // changed default does not silently change the benchmark.
    CIRCUIT_BREAKER_ENABLED: 'true',
    SUBGRAPH_RETRY_MAX: '2',
    SUBGRAPH_DEDUP: 'true',
    // The response cache would answer repeated users without any subgraph call, which the other
    // gateways cannot do: off, so the comparison measures the same work. (Metrics are always on.)
    RESPONSE_CACHE_ENABLED: 'false',
    // Shared state (revocation, limits, budgets, plan cache) in Redis for the "with Redis" row; else in memory.
    ...(redis ? { REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.keyPrefix } : {}),
  };
}

