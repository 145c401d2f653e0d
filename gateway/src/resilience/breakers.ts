import CircuitBreaker from 'opossum';
import type { Logger } from '../logger';
import { isConnectionFailure, nextProbeDelayMs } from './breaker-timing';
import type { BreakerConfig } from './config';

export type BreakerState = 'closed' | 'open' | 'half-open';

type Attempt = () => Promise<unknown>;

/** The error `run` rejects with while a subgraph's circuit is open (opossum's own, recognisable by code). */
export const CIRCUIT_OPEN_CODE = 'EOPENBREAKER';

export function isCircuitOpen(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === CIRCUIT_OPEN_CODE;
}

/**
 * One opossum circuit breaker per subgraph, kept by name so a supergraph reload (which builds new
 * data sources) does not reset them. opossum gives the rolling failure-rate window, the
 * open → half-open (one probe) → closed cycle and event hooks; writing that again would only add
 * bugs. On top of it (breaker-timing.ts): a few connection failures in a row open the circuit at
 * once, and the wait before each probe grows with the outage instead of being fixed. Its own
 * timeout is off: the data source's deadline is the one timeout.
 */
export class BreakerRegistry {
  private readonly breakers = new Map<string, CircuitBreaker<[Attempt], unknown>>();

  constructor(
    private readonly config: BreakerConfig,
    private readonly log: Logger,
  ) {}

  /** Runs one attempt through `subgraph`'s breaker: rejects at once (CIRCUIT_OPEN_CODE) while open; a rejection counts as a failure. */
  run<T>(subgraph: string, attempt: () => Promise<T>): Promise<T> {
    return this.breakerFor(subgraph).fire(attempt) as Promise<T>;
  }

  /** Each known subgraph's circuit state, for readiness and metrics. */
  getBreakerStates(): Record<string, BreakerState> {
    const out: Record<string, BreakerState> = {};
    for (const [name, breaker] of this.breakers) out[name] = stateOf(breaker);
    return out;
  }

  /** Stops opossum's bucket timers. */
  shutdown(): void {
    for (const breaker of this.breakers.values()) breaker.shutdown();
    this.breakers.clear();
  }

  private breakerFor(subgraph: string): CircuitBreaker<[Attempt], unknown> {
    let breaker = this.breakers.get(subgraph);
    if (breaker) return breaker;
    const { firstProbeMs, resetMs, connectionFailures } = this.config;
    // Kept: opossum keeps this very object as its `options` and reads `resetTimeout` each time the
    // circuit opens, which is how each opening gets its own wait (breaker-timing.ts).
    const options: CircuitBreaker.Options<[Attempt]> = {
      timeout: false,
      errorThresholdPercentage: this.config.errorThresholdPercent,
      volumeThreshold: this.config.volumeThreshold,
      rollingCountTimeout: this.config.windowMs,
      rollingCountBuckets: 10,
      resetTimeout: firstProbeMs,
      // Latency percentiles and snapshots cost CPU on every call; nothing reads them.
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
    };
    breaker = new CircuitBreaker<[Attempt], unknown>((attempt) => attempt(), options);
    const created = breaker;
    /** When this outage began (the first opening since the circuit was last closed). */
    let outageStartedAtMs: number | undefined;
    let connectionFailuresInARow = 0;
    // Before opossum's own 'open' listener, which starts the half-open timer with `resetTimeout`.
    breaker.prependListener('open', () => {
      const now = Date.now();
      outageStartedAtMs ??= now;
      options.resetTimeout = nextProbeDelayMs(now - outageStartedAtMs, firstProbeMs, resetMs);
    });
    breaker.on('open', () => this.log.warn({ subgraph, circuit: 'open', nextProbeMs: options.resetTimeout }, 'subgraph circuit opened'));
    breaker.on('halfOpen', () => this.log.info({ subgraph, circuit: 'half-open' }, 'subgraph circuit half-open'));
    breaker.on('close', () => {
      outageStartedAtMs = undefined;
      connectionFailuresInARow = 0;
      this.log.info({ subgraph, circuit: 'closed' }, 'subgraph circuit closed');
    });
    breaker.on('success', () => {
      connectionFailuresInARow = 0;
    });
    breaker.on('failure', (err: unknown) => {
      if (!isConnectionFailure(err)) {
        connectionFailuresInARow = 0;
        return;
      }
      connectionFailuresInARow += 1;
      if (connectionFailures > 0 && connectionFailuresInARow >= connectionFailures && created.closed) created.open();
    });
    this.breakers.set(subgraph, breaker);
    return breaker;
  }
}

function stateOf(breaker: CircuitBreaker<[Attempt], unknown>): BreakerState {
  if (breaker.halfOpen) return 'half-open';
  if (breaker.opened) return 'open';
  return 'closed';
}
