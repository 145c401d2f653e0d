import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { PostToSubgraph } from '../datasource/undici-fetcher';
import type { Logger } from '../logger';
import type { ReplicaSet } from '../routing/replica-set';
import { BreakerRegistry, type BreakerState } from './breakers';
import { timeoutMsFor, type ResilienceConfig } from './config';
import { InflightCalls } from './inflight';
import { RetryBudget } from './retry-budget';
import { SubgraphCaller } from './subgraph-caller';

type FetcherResponse = Awaited<ReturnType<RemoteGraphQLDataSource['fetcher']>>;

/** What /ready reports about circuits: `null` when all are closed. */
export type CircuitReadiness = null | { problem: string; failsReadiness: boolean };

/**
 * The gateway's resilience state, one per gateway: breakers, retry budgets and in-flight maps are
 * kept per subgraph name, so they survive supergraph reloads (which rebuild the data sources).
 */
export class SubgraphResilience {
  private readonly breakers: BreakerRegistry | undefined;
  private readonly budgets = new Map<string, RetryBudget>();
  private readonly inflight = new Map<string, InflightCalls<FetcherResponse>>();

  constructor(
    private readonly config: ResilienceConfig,
    private readonly defaultTimeoutMs: number,
    log: Logger,
  ) {
    this.breakers = config.breaker ? new BreakerRegistry(config.breaker, log) : undefined;
  }

  /** The longest deadline of any subgraph: the connection pool's own timeouts must not cut a call shorter. */
  get maxTimeoutMs(): number {
    return Math.max(this.defaultTimeoutMs, ...Object.values(this.config.timeoutMsBySubgraph));
  }

  /** `replicas`: the subgraph's replica set when it has several URLs (retries then go to another replica). */
  callerFor(name: string, post: PostToSubgraph, replicas?: ReplicaSet): SubgraphCaller {
    const retry = this.config.retry;
    return new SubgraphCaller({
      name,
      post,
      timeoutMs: timeoutMsFor(this.config, this.defaultTimeoutMs, name),
      retry,
      budget: retry ? this.getOrCreate(this.budgets, name, () => new RetryBudget({ ratio: retry.budgetRatio, minPerWindow: retry.budgetMinPerWindow, windowMs: retry.budgetWindowMs })) : undefined,
      breakers: this.breakers,
      inflight: this.config.dedup ? this.getOrCreate(this.inflight, name, () => new InflightCalls<FetcherResponse>()) : undefined,
      replicas,
    });
  }

  /** Each subgraph's circuit state (subgraphs not called yet are absent); for metrics and readiness. */
  getBreakerStates(): Record<string, BreakerState> {
    return this.breakers?.getBreakerStates() ?? {};
  }

  /** Open circuits, and whether the configured policy makes that a readiness failure. */
  circuitReadiness(): CircuitReadiness {
    const open = Object.entries(this.getBreakerStates())
      .filter(([, state]) => state !== 'closed')
      .map(([name, state]) => `${name} ${state}`);
    if (open.length === 0 || !this.config.breaker) return null;
    return { problem: `circuit ${open.join(', ')}`, failsReadiness: this.config.breaker.openMakesNotReady };
  }

  shutdown(): void {
    this.breakers?.shutdown();
  }

  private getOrCreate<T>(map: Map<string, T>, key: string, create: () => T): T {
    let value = map.get(key);
    if (value === undefined) {
      value = create();
      map.set(key, value);
    }
    return value;
  }
}
