import { Counter, register } from 'prom-client';

const NAME = 'frontdoor_limits_redis_fallback_total';

/**
 * Counts limiter decisions answered without Redis (fail-open fallback), by kind, in prom-client's
 * default registry. Several gateways in one process (tests) share the one counter.
 */
export function redisFallbackCounter(): Counter<'kind'> {
  const existing = register.getSingleMetric(NAME);
  if (existing) return existing as Counter<'kind'>;
  return new Counter({
    name: NAME,
    help: 'Rate-limit and cost-budget decisions answered from the per-instance fallback because Redis failed',
    labelNames: ['kind'],
  });
}
