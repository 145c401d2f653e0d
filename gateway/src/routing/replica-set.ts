import type { BalancingPolicy } from './replica-config';

/** The error code of a call made while every replica of its subgraph is down (mapped to SUBGRAPH_UNAVAILABLE). */
export const NO_REPLICA_CODE = 'ENOREPLICA';

/**
 * One replica's health, as passive checks see it:
 *  - `up`: takes traffic; `consecutiveFailures` failed attempts in a row take it `down`;
 *  - `down`: takes nothing until `retryAtMs`; then the next query becomes its one trial request;
 *  - `probing`: that trial is in flight and nothing else goes to it; success → `up`, failure → `down` again.
 */
export type ReplicaState = 'up' | 'down' | 'probing';

export interface Replica {
  readonly index: number;
  readonly url: string;
  /** host:port, for metrics and logs. */
  readonly label: string;
  state: ReplicaState;
  consecutiveFailures: number;
  /** When a `down` replica may get its trial request (ms, the set's clock). */
  retryAtMs: number;
  /** Calls picked and not yet reported (least-outstanding balancing). */
  outstanding: number;
}

export interface ReplicaSetOptions {
  subgraph: string;
  replicas: ReadonlyArray<{ url: string; label: string }>;
  balancing: BalancingPolicy;
  failureThreshold: number;
  cooldownMs: number;
  /** Told when a replica leaves or rejoins the set (logs). */
  onStateChange?: (replica: Replica, from: ReplicaState) => void;
  /** Told the outcome of every attempt (metrics). */
  onAttempt?: (replica: Replica, ok: boolean) => void;
  now?: () => number;
}

/**
 * Pure (no I/O, no timers): which replica of one subgraph the next attempt goes to, and the
 * passive health state machine fed by each attempt's outcome. Cool-downs are checked when a
 * replica is picked, so a healthy set costs no timers. Kept per subgraph for the gateway's
 * lifetime, so supergraph reloads do not forget which replicas are down.
 */
export class ReplicaSet {
  readonly subgraph: string;
  readonly replicas: readonly Replica[];
  private cursor = 0;
  private readonly now: () => number;

  constructor(private readonly opts: ReplicaSetOptions) {
    this.subgraph = opts.subgraph;
    this.replicas = opts.replicas.map((r, index) => ({ index, url: r.url, label: r.label, state: 'up', consecutiveFailures: 0, retryAtMs: 0, outstanding: 0 }));
    this.now = opts.now ?? Date.now;
  }

  /**
   * The replica for the next attempt, or undefined when every replica is down (the call then fails
   * at once). `tried` holds the replicas this call already used: a retry goes elsewhere when it can.
   * Only a query (`trialAllowed`) may be a down replica's trial: if the trial fails, the query is
   * retried on another replica, while a mutation would have failed for nothing.
   */
  pick(tried: ReadonlySet<Replica> | undefined, trialAllowed: boolean): Replica | undefined {
    const chosen = (trialAllowed ? this.dueForTrial(tried) : undefined) ?? this.choose(tried) ?? (tried && tried.size > 0 ? this.choose(undefined) : undefined);
    if (chosen) chosen.outstanding += 1;
    return chosen;
  }

  /** The outcome of an attempt sent to `replica` (picked by `pick`). */
  report(replica: Replica, ok: boolean): void {
    replica.outstanding = Math.max(0, replica.outstanding - 1);
    this.opts.onAttempt?.(replica, ok);
    if (ok) {
      replica.consecutiveFailures = 0;
      if (replica.state === 'probing') this.move(replica, 'up');
      // A call picked before the replica went down that succeeds late does not bring it back: only its trial does.
      return;
    }
    if (replica.state === 'down') return;
    replica.consecutiveFailures += 1;
    if (replica.state === 'probing' || replica.consecutiveFailures >= this.opts.failureThreshold) {
      replica.retryAtMs = this.now() + this.opts.cooldownMs;
      this.move(replica, 'down');
    }
  }

  /** True while some replica this call has not used yet could take it. */
  hasUntried(tried: ReadonlySet<Replica>): boolean {
    return this.replicas.some((r) => r.state === 'up' && !tried.has(r));
  }

  /** Replicas currently taking traffic. */
  get upCount(): number {
    return this.replicas.filter((r) => r.state === 'up').length;
  }

  private dueForTrial(tried: ReadonlySet<Replica> | undefined): Replica | undefined {
    const nowMs = this.now();
    for (const r of this.replicas) {
      if (r.state === 'down' && nowMs >= r.retryAtMs && !tried?.has(r)) {
        this.move(r, 'probing');
        return r;
      }
    }
    return undefined;
  }

  private choose(tried: ReadonlySet<Replica> | undefined): Replica | undefined {
    return this.opts.balancing === 'least-outstanding' ? this.leastOutstanding(tried) : this.nextInTurn(tried);
  }

  private nextInTurn(tried: ReadonlySet<Replica> | undefined): Replica | undefined {
    const n = this.replicas.length;
    for (let step = 0; step < n; step += 1) {
      const r = this.replicas[(this.cursor + step) % n]!;
      if (r.state === 'up' && !tried?.has(r)) {
        this.cursor = (r.index + 1) % n;
        return r;
      }
    }
    return undefined;
  }

  /** Fewest calls in flight; ties go round-robin, so an idle set still spreads its calls. */
  private leastOutstanding(tried: ReadonlySet<Replica> | undefined): Replica | undefined {
    const n = this.replicas.length;
    let best: Replica | undefined;
    for (let step = 0; step < n; step += 1) {
      const r = this.replicas[(this.cursor + step) % n]!;
      if (r.state === 'up' && !tried?.has(r) && (!best || r.outstanding < best.outstanding)) best = r;
    }
    if (best) this.cursor = (best.index + 1) % n;
    return best;
  }

  private move(replica: Replica, to: ReplicaState): void {
    const from = replica.state;
    replica.state = to;
    if (to === 'up') replica.consecutiveFailures = 0;
    this.opts.onStateChange?.(replica, from);
  }
}
