import { SignJWT } from 'jose';

/** Secrets of the benchmark's own deployment (never the development defaults: it runs NODE_ENV=production). */
const BENCH_JWT_SECRET = 'frontdoor-bench-jwt-secret-0123456789abcdef';
export const BENCH_IDENTITY_SECRET = 'frontdoor-bench-identity-secret-0123456789abcdef';

/**
 * "Frontdoor with every feature on", in one place: the environment of the Frontdoor process and
 * the headers every benchmark request carries. Keep entries production-like.
 */
export function frontdoorFeatureEnv(): Record<string, string> {
  return {
    NODE_ENV: 'production',
    // One access-log line per request, as in production (written to a discarded stdout).
    LOG_LEVEL: 'info',
    // Authentication (every request carries a token, verified with jose) and identity signing
    // towards the subgraphs; authorization directives in filter mode (the default).
    AUTH_JWT_SECRET: BENCH_JWT_SECRET,
    SUBGRAPH_IDENTITY_SECRET: BENCH_IDENTITY_SECRET,
    // Rate limits, demand control and cost budgets are all evaluated on every request; the limits
    // are set high enough that one benchmark client is never throttled.
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
    // Shared state (limits, plan cache) in Redis when the bench is given one; else in memory.
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL, REDIS_KEY_PREFIX: 'bench:' } : {}),
  };
}

/** Headers on every request to Frontdoor (the other gateways get none: they enforce nothing). */
export async function frontdoorRequestHeaders(): Promise<Record<string, string>> {
  // `admin` may read every user's orders and payments, so the varied user ids all get full answers.
  const token = await new SignJWT({ scope: 'admin' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('bench-client')
    .setIssuer('frontdoor-dev')
    .setAudience('frontdoor')
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(BENCH_JWT_SECRET));
  return { authorization: `Bearer ${token}` };
}
