/**
 * "Frontdoor with every feature on", in one place so each feature's helper adds its line here:
 * the environment of the Frontdoor process and the headers every benchmark request carries
 * (e.g. a bearer token once authentication lands). Keep entries production-like.
 */
export function frontdoorFeatureEnv(): Record<string, string> {
  return {
    NODE_ENV: 'production',
    // One access-log line per request, as in production (written to a discarded stdout).
    LOG_LEVEL: 'info',
    // Resilience: per-subgraph breaker, budgeted retries and in-flight dedup are on by default;
    // spelled out so a changed default does not silently change the benchmark.
    CIRCUIT_BREAKER_ENABLED: 'true',
    SUBGRAPH_RETRY_MAX: '2',
    SUBGRAPH_DEDUP: 'true',
    // Shared state (limits, caches) in Redis when the bench is given one; else in memory.
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL, REDIS_KEY_PREFIX: 'bench:' } : {}),
  };
}

/** Headers on every request to Frontdoor (the other gateways get none: they enforce nothing). */
export function frontdoorRequestHeaders(): Record<string, string> {
  return {};
}
