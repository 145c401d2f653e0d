import type { Config } from '../config';
import type { ReadinessCheck, ReadinessResult } from '../health';
import { pingRedis, type Redis } from '../redis';
import type { SubgraphResilience } from '../resilience/subgraph-resilience';
import type { SubgraphReplicas } from '../routing/subgraph-replicas';
import type { SupergraphSource } from './shared-state';

export type Lifecycle = 'starting' | 'serving' | 'draining' | 'stopped';

export interface ReadinessParts {
  lifecycle: () => Lifecycle;
  supergraph: SupergraphSource;
  redis: Redis | undefined;
  resilience: SubgraphResilience;
  replicas: SubgraphReplicas;
}

/** What GET /ready asks, in order. */
export function readinessChecks(config: Config, parts: ReadinessParts): ReadinessCheck[] {
  const { resilience, replicas, redis } = parts;
  return [
    { name: 'lifecycle', check: () => (parts.lifecycle() === 'serving' ? null : parts.lifecycle()) },
    { name: 'supergraph', check: () => (parts.supergraph.hash ? null : 'not loaded') },
    ...(redis ? [{ name: 'redis', check: () => pingRedis(redis) }] : []),
    { name: 'circuits', check: () => circuitCheck(resilience) },
    // Reported, never failing readiness (routing/subgraph-replicas.ts says why).
    ...(Object.keys(config.replicas.urlsBySubgraph).length > 0 ? [{ name: 'replicas', check: () => replicas.readiness() }] : []),
  ];
}

/** Open circuits are reported on /ready; CIRCUIT_BREAKER_OPEN_NOT_READY decides whether they fail it. */
function circuitCheck(resilience: SubgraphResilience): ReadinessResult {
  const open = resilience.circuitReadiness();
  if (!open) return null;
  return open.failsReadiness ? open.problem : { degraded: open.problem };
}
