import { isErrorCode } from '../errors';
import { collectDefaultMetrics, Counter, Gauge, Histogram, register, Registry } from 'prom-client';

/** The labels of one request (client_version is derived). */
export interface RequestLabels {
  operation_name: string;
  operation_type: string;
  outcome: string;
  client_name: string;
}

/** A counter child and a histogram child recorded together. */
interface CountAndDuration {
  count: { inc(): void };
  duration: { observe(value: number): void };
}

/** The cached children for `key`, created on first use. */
function childrenFor(cache: Map<string, CountAndDuration>, key: string, create: () => CountAndDuration): CountAndDuration {
  let children = cache.get(key);
  if (!children) cache.set(key, (children = create()));
  return children;
}

/** What the gateway reads at scrape time. */
export interface MetricSources {
  breakerStates(): Record<string, 'closed' | 'open' | 'half-open'>;
  planCacheStats(): { localHits: number; sharedHits: number; misses: number };
  /** Each replica of the subgraphs configured with several URLs (labels bounded by config). */
  replicaHealth?(): ReadonlyArray<{ subgraph: string; replica: string; state: 'up' | 'down' | 'probing' }>;
}

/** Codes that mean "a limit refused the operation before execution". */
export const REJECTION_CODES: ReadonlySet<string> = new Set([
  'RATE_LIMITED',
  'THROTTLED',
  'COST_ESTIMATED_TOO_EXPENSIVE',
  'RATE_LIMITER_UNAVAILABLE',
  'DEPTH_LIMIT_EXCEEDED',
  'ALIAS_LIMIT_EXCEEDED',
  'ROOT_FIELD_LIMIT_EXCEEDED',
  'DIRECTIVE_LIMIT_EXCEEDED',
  'TOKEN_LIMIT_EXCEEDED',
  'BATCHING_DISABLED',
  'BATCH_LIMIT_EXCEEDED',
  'PAYLOAD_TOO_LARGE',
  'PERSISTED_QUERY_NOT_IN_LIST',
  'INTROSPECTION_DISABLED',
]);

const BREAKER_VALUES = { closed: 0, 'half-open': 1, open: 2 } as const;

/** Label values a client chooses (operation names) are capped: past this many, they count as `other`. */
export const MAX_OPERATION_NAMES = 100;

/** Versions counted per configured client; later ones (and every unknown client's) count as `other`. */
export const MAX_CLIENT_VERSIONS = 20;

const DURATION_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const COST_BUCKETS = [0, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];

/**
 * Every Prometheus metric the gateway exposes on GET /metrics, in one registry per gateway (so
 * tests running several gateways in one process do not mix counts). Names follow Prometheus
 * conventions; no label takes an unbounded value (user ids, paths, raw queries never appear).
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly operationNames = new Set<string>();
  private readonly clientVersions = new Map<string, Set<string>>();
  /** recordRequest's labelled children, by their label values (each bounded, so the map is). */
  private readonly requestChildren = new Map<string, CountAndDuration>();
  /** recordSubgraphFetch's labelled children. */
  private readonly fetchChildren = new Map<string, CountAndDuration>();

  readonly requests = new Counter({
    name: 'frontdoor_graphql_requests_total',
    help: 'GraphQL requests by operation name (capped), operation type, outcome (success, partial, rejected, error), client (configured names, else other) and client version (capped per client).',
    labelNames: ['operation_name', 'operation_type', 'outcome', 'client_name', 'client_version'] as const,
    registers: [this.registry],
  });

  readonly requestDuration = new Histogram({
    name: 'frontdoor_graphql_request_duration_seconds',
    help: 'Time from request arrival to response, by operation name (capped), type, outcome and client.',
    labelNames: ['operation_name', 'operation_type', 'outcome', 'client_name'] as const,
    buckets: DURATION_BUCKETS_S,
    registers: [this.registry],
  });

  readonly firstPayloadDuration = new Histogram({
    name: 'frontdoor_graphql_first_payload_seconds',
    help: 'Time from request arrival to the initial payload of a streamed @defer response, by operation name (capped); its total is in frontdoor_graphql_request_duration_seconds.',
    labelNames: ['operation_name'] as const,
    buckets: DURATION_BUCKETS_S,
    registers: [this.registry],
  });

  readonly errors = new Counter({
    name: 'frontdoor_graphql_errors_total',
    help: 'Errors returned to clients by extensions.code (codes from the error table, else "other").',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly rejections = new Counter({
    name: 'frontdoor_rejections_total',
    help: 'Operations refused before execution by a limit (rate, budget, cost, operation limits), by code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly subgraphFetches = new Counter({
    name: 'frontdoor_subgraph_fetches_total',
    help: 'Calls to subgraphs by subgraph and outcome (ok, graphql_errors, timeout, unavailable, circuit_open, error).',
    labelNames: ['subgraph', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly subgraphFetchDuration = new Histogram({
    name: 'frontdoor_subgraph_fetch_duration_seconds',
    help: 'Duration of subgraph calls (including retries), by subgraph.',
    labelNames: ['subgraph'] as const,
    buckets: DURATION_BUCKETS_S,
    registers: [this.registry],
  });

  readonly replicaAttempts = new Counter({
    name: 'frontdoor_subgraph_replica_attempts_total',
    help: 'Attempts sent to each replica of a subgraph with several URLs, by outcome (ok; failure = transport error, timeout or 5xx).',
    labelNames: ['subgraph', 'replica', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly replicaEjections = new Counter({
    name: 'frontdoor_subgraph_replica_ejections_total',
    help: 'Times a replica was taken out (failure threshold reached, or its trial request after the cool-down failed).',
    labelNames: ['subgraph', 'replica'] as const,
    registers: [this.registry],
  });

  readonly estimatedCost = new Histogram({
    name: 'frontdoor_operation_estimated_cost',
    help: 'Estimated cost of executed operations (demand control).',
    buckets: COST_BUCKETS,
    registers: [this.registry],
  });

  readonly actualCost = new Histogram({
    name: 'frontdoor_operation_actual_cost',
    help: 'Actual cost of executed operations, computed from the response.',
    buckets: COST_BUCKETS,
    registers: [this.registry],
  });

  readonly cacheLookups: Counter<'cache' | 'result'>;

  readonly schemaReloads = new Counter({
    name: 'frontdoor_schema_reloads_total',
    help: 'Supergraph reload attempts by outcome (updated, rejected).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly tlsReloads = new Counter({
    name: 'frontdoor_tls_certificate_reloads_total',
    help: 'TLS certificate reloads after a file change, by outcome (reloaded, failed: the old certificate is kept).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor(sources: MetricSources, opts: { defaultMetrics: boolean } = { defaultMetrics: true }) {
    if (opts.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'frontdoor_' });
    new Gauge({
      name: 'frontdoor_subgraph_circuit_state',
      help: 'Circuit breaker state per subgraph: 0 closed, 1 half-open, 2 open.',
      labelNames: ['subgraph'] as const,
      registers: [this.registry],
      collect() {
        for (const [subgraph, state] of Object.entries(sources.breakerStates())) this.set({ subgraph }, BREAKER_VALUES[state]);
      },
    });
    new Gauge({
      name: 'frontdoor_subgraph_replica_up',
      help: 'Replica health per subgraph replica (host:port from config): 1 takes traffic, 0 taken out (cooling down or on its trial request).',
      labelNames: ['subgraph', 'replica'] as const,
      registers: [this.registry],
      collect() {
        for (const r of sources.replicaHealth?.() ?? []) this.set({ subgraph: r.subgraph, replica: r.replica }, r.state === 'up' ? 1 : 0);
      },
    });
    // The plan cache keeps its own counters; each scrape adds their growth since the last one.
    const seen = { localHits: 0, sharedHits: 0, misses: 0 };
    this.cacheLookups = new Counter({
      name: 'frontdoor_cache_lookups_total',
      help: 'Cache lookups by cache (response: fresh, stale, miss, unavailable; plan: hit_local, hit_shared, miss).',
      labelNames: ['cache', 'result'] as const,
      registers: [this.registry],
      collect() {
        const now = sources.planCacheStats();
        this.inc({ cache: 'plan', result: 'hit_local' }, now.localHits - seen.localHits);
        this.inc({ cache: 'plan', result: 'hit_shared' }, now.sharedHits - seen.sharedHits);
        this.inc({ cache: 'plan', result: 'miss' }, now.misses - seen.misses);
        Object.assign(seen, { localHits: now.localHits, sharedHits: now.sharedHits, misses: now.misses });
      },
    });
  }

  /**
   * One request in `frontdoor_graphql_requests_total` and the duration histogram. Labelled children
   * are kept per label set, as for subgraph fetches: hashing two label objects per request showed
   * in profiles. `labels.operation_name` must already be capped (operationLabel).
   */
  recordRequest(labels: RequestLabels, clientVersion: string | null, durationS: number): void {
    const version = this.clientVersionLabel(labels.client_name, clientVersion);
    const key = `${labels.operation_name}\n${labels.operation_type}\n${labels.outcome}\n${labels.client_name}\n${version}`;
    const children = childrenFor(this.requestChildren, key, () => ({
      count: this.requests.labels({ ...labels, client_version: version }),
      duration: this.requestDuration.labels(labels),
    }));
    children.count.inc();
    children.duration.observe(durationS);
  }

  /**
   * One subgraph call. The labelled children are kept per (subgraph, outcome): six calls per
   * profile query each hashing a label object was ~1% of gateway CPU. Subgraph names and outcomes
   * are bounded, so is this map.
   */
  recordSubgraphFetch(subgraph: string, outcome: string, durationS: number): void {
    const children = childrenFor(this.fetchChildren, `${subgraph}\n${outcome}`, () => ({
      count: this.subgraphFetches.labels({ subgraph, outcome }),
      duration: this.subgraphFetchDuration.labels({ subgraph }),
    }));
    children.count.inc();
    children.duration.observe(durationS);
  }

  /**
   * A request refused before GraphQL processing (body limit, authentication, global rate limit, …).
   * `clientLabel` is the client policy's label (configured name, else `other`): never a raw header.
   */
  recordRejected(code: string, durationS: number, clientLabel = 'other', clientVersion: string | null = null): void {
    this.recordRequest({ operation_name: 'unknown', operation_type: 'unknown', outcome: 'rejected', client_name: clientLabel }, clientVersion, durationS);
    this.errors.inc({ code: isErrorCode(code) ? code : 'other' });
    if (REJECTION_CODES.has(code)) this.rejections.inc({ code });
  }

  /** Every metric of this gateway plus prom-client's default registry (libraries register there). */
  async render(): Promise<{ contentType: string; body: string }> {
    const merged = Registry.merge([this.registry, register]);
    return { contentType: merged.contentType, body: await merged.metrics() };
  }

  /**
   * The client-version label: for a configured client (`clientLabel` is not `other`) the version
   * itself, for its first MAX_CLIENT_VERSIONS versions; anything else is `other`. Versions are the
   * client's say, so they are capped like operation names.
   */
  clientVersionLabel(clientLabel: string, version: string | null): string {
    if (clientLabel === 'other' || version === null) return 'other';
    let seen = this.clientVersions.get(clientLabel);
    if (!seen) {
      seen = new Set();
      this.clientVersions.set(clientLabel, seen);
    }
    if (seen.has(version)) return version;
    if (seen.size >= MAX_CLIENT_VERSIONS) return 'other';
    seen.add(version);
    return version;
  }

  /** The operation-name label: the name itself for the first MAX_OPERATION_NAMES names seen, then `other`. */
  operationLabel(name: string | null | undefined): string {
    if (!name) return 'anonymous';
    if (this.operationNames.has(name)) return name;
    if (this.operationNames.size >= MAX_OPERATION_NAMES) return 'other';
    this.operationNames.add(name);
    return name;
  }
}
