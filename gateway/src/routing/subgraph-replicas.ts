import type { Logger } from '../logger';
import { replicaLabel, type ReplicaConfig } from './replica-config';
import { ReplicaSet, type Replica, type ReplicaState } from './replica-set';

export interface SubgraphReplicasHooks {
  log: Logger;
  /** Every attempt's outcome per replica (metrics). */
  onAttempt?: (subgraph: string, replica: string, ok: boolean) => void;
  /** A replica taken out after its failure threshold or a failed trial (metrics). */
  onEjected?: (subgraph: string, replica: string) => void;
}

/** One replica's health as metrics and /ready show it. */
export interface ReplicaHealth {
  subgraph: string;
  replica: string;
  state: ReplicaState;
}

/**
 * The replica sets of every subgraph configured with several URLs, built once per gateway from
 * config (so their health survives supergraph reloads). Subgraphs with one URL have no set and
 * their calls skip the replica layer entirely.
 */
export class SubgraphReplicas {
  private readonly sets = new Map<string, ReplicaSet>();

  constructor(config: ReplicaConfig, hooks: SubgraphReplicasHooks) {
    for (const [subgraph, urls] of Object.entries(config.urlsBySubgraph)) {
      this.sets.set(
        subgraph,
        new ReplicaSet({
          subgraph,
          replicas: urls.map((url) => ({ url, label: replicaLabel(url) })),
          balancing: config.balancing,
          failureThreshold: config.failureThreshold,
          cooldownMs: config.cooldownMs,
          onStateChange: (replica, from) => logStateChange(hooks, subgraph, replica, from),
          ...(hooks.onAttempt ? { onAttempt: (replica: Replica, ok: boolean) => hooks.onAttempt?.(subgraph, replica.label, ok) } : {}),
        }),
      );
    }
  }

  /** `name`'s replica set, or undefined when it has a single URL. */
  forSubgraph(name: string): ReplicaSet | undefined {
    return this.sets.get(name.toLowerCase());
  }

  /** The first replica's URL: what Apollo's own calls (health checks, schema loading) use. */
  primaryUrl(name: string): string | undefined {
    return this.sets.get(name.toLowerCase())?.replicas[0]?.url;
  }

  health(): ReplicaHealth[] {
    const out: ReplicaHealth[] = [];
    for (const [subgraph, set] of this.sets) for (const r of set.replicas) out.push({ subgraph, replica: r.label, state: r.state });
    return out;
  }

  /**
   * /ready detail: null when every replica is up, else which are out. Never a readiness failure:
   * every gateway instance sees the same replicas, so failing readiness would turn a partial
   * outage into a full one; the subgraph's part fails per request instead (SUBGRAPH_UNAVAILABLE).
   */
  readiness(): null | { degraded: string } {
    const out: string[] = [];
    for (const [subgraph, set] of this.sets) {
      const up = set.upCount;
      if (up < set.replicas.length) out.push(`${subgraph} ${up}/${set.replicas.length} replicas up`);
    }
    return out.length === 0 ? null : { degraded: out.join(', ') };
  }
}

function logStateChange(hooks: SubgraphReplicasHooks, subgraph: string, replica: Replica, from: ReplicaState): void {
  const fields = { subgraph, replica: replica.label, from, to: replica.state };
  if (replica.state === 'down') {
    hooks.onEjected?.(subgraph, replica.label);
    hooks.log.warn({ ...fields, consecutiveFailures: replica.consecutiveFailures }, 'subgraph replica taken out');
  } else if (replica.state === 'up') hooks.log.info(fields, 'subgraph replica back in');
  else hooks.log.info(fields, 'subgraph replica trial request');
}
