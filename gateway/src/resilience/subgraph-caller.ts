import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { IDENTITY_HEADER } from '../auth/identity-header';
import type { Principal } from '../auth/principal';
import type { PostToSubgraph } from '../datasource/undici-fetcher';
import type { Logger } from '../logger';
import { NO_REPLICA_CODE, type Replica, type ReplicaSet } from '../routing/replica-set';
import { backoffDelayMs, parseRetryAfterMs } from './backoff';
import { isCircuitOpen, type BreakerRegistry } from './breakers';
import type { RetryConfig } from './config';
import { InflightCalls } from './inflight';
import { RetryBudget } from './retry-budget';

type FetcherResponse = Awaited<ReturnType<RemoteGraphQLDataSource['fetcher']>>;

export interface SubgraphRequest {
  url: string;
  /** Every header the data source sends (lower-case names). */
  headers: Record<string, string>;
  body: string;
  /**
   * Whom the call is made for. It stands in for the signed identity header in the deduplication
   * key: that header differs on every request (it binds the request id and an expiry), while the
   * caller it names (id and scopes) is what the subgraph answers by.
   */
  principal: Pick<Principal, 'id' | 'scopes'>;
  /**
   * True only for query operations: they may be retried and shared. Mutations (and anything we
   * cannot tell) are sent exactly once and never shared (DESIGN.md: mutations are never retried).
   */
  idempotent: boolean;
  log: Logger;
}

export interface SubgraphCallerOptions {
  name: string;
  post: PostToSubgraph;
  /** Deadline of one call, retries included, in ms. */
  timeoutMs: number;
  retry: false | RetryConfig;
  budget: RetryBudget | undefined;
  breakers: BreakerRegistry | undefined;
  inflight: InflightCalls<FetcherResponse> | undefined;
  /** The subgraph's replicas when it has several URLs; undefined for one URL (`req.url` is used as is). */
  replicas?: ReplicaSet | undefined;
}

/** Statuses that say "try again": the subgraph (or a proxy in front of it) is briefly unable to answer. */
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
/** Transport errors where the request most likely never reached a resolver. */
const RETRYABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
/** The one transport error that proves the request was never sent: safe to send elsewhere, even a mutation. */
const NEVER_SENT_CODE = 'ECONNREFUSED';

/** A 5xx answer, thrown inside the breaker so it counts as a failure, and unwrapped outside it. */
class FailedStatus extends Error {
  constructor(readonly response: FetcherResponse) {
    super(`subgraph answered ${response.status}`);
  }
}

type Outcome = { response: FetcherResponse } | { error: unknown };

/**
 * One subgraph call with the resilience rules, outermost first: in-flight deduplication (queries),
 * a deadline for the whole call, retries with capped exponential backoff + jitter under a retry
 * budget (queries), and the subgraph's circuit breaker around every attempt.
 * Resolves with the subgraph's last response (any status) or rejects with the transport error,
 * undici's timeout error (UND_ERR_HEADERS_TIMEOUT / UND_ERR_BODY_TIMEOUT), or the breaker's EOPENBREAKER.
 */
export class SubgraphCaller {
  constructor(private readonly opts: SubgraphCallerOptions) {}

  call(req: SubgraphRequest): Promise<FetcherResponse> {
    const inflight = this.opts.inflight;
    if (!req.idempotent || !inflight) return this.callWithRetries(req);
    const { result, joined } = inflight.run(dedupKey(req), () => this.callWithRetries(req));
    if (!joined) return result;
    req.log.debug({ subgraph: this.opts.name }, 'subgraph fetch shared with an identical in-flight call');
    // Every caller parses its own copy: the gateway merges subgraph data into its result in place.
    // A cookie the subgraph set was meant for the caller that made the request, never for one that joined it.
    return result.then((res) => {
      const copy = res.clone();
      copy.headers.delete('set-cookie');
      return copy;
    });
  }

  /**
   * With replicas, a failed attempt is that replica's problem (its passive health check), so the
   * subgraph's breaker counts whole calls, after failover: it opens only when the subgraph as a
   * whole fails. With one URL an attempt is the whole subgraph, and the breaker wraps each attempt.
   */
  private callWithRetries(req: SubgraphRequest): Promise<FetcherResponse> {
    const { breakers, replicas } = this.opts;
    if (!replicas || !breakers) return this.retryLoop(req);
    return breakers.run(this.opts.name, () => this.retryLoop(req).then(throwOn5xx)).catch(unwrapFailedStatus);
  }

  private async retryLoop(req: SubgraphRequest): Promise<FetcherResponse> {
    const { retry, budget, replicas } = this.opts;
    const deadline = Date.now() + this.opts.timeoutMs;
    budget?.recordRequest();
    // Allocated only for a replica set: a single-URL call costs what it did before replicas.
    const tried = replicas ? new Set<Replica>() : undefined;
    for (let attempt = 0; ; ) {
      const outcome = await this.attempt(req, deadline - Date.now(), tried);
      if (tried && replicas?.hasUntried(tried) && neverSent(outcome)) {
        req.log.debug({ subgraph: this.opts.name, reason: describe(outcome) }, 'subgraph replica failover');
        continue;
      }
      const delayMs = retry && req.idempotent && attempt < retry.maxRetries ? this.retryDelayMs(outcome, attempt, retry) : undefined;
      if (delayMs === undefined) return settle(outcome);
      // The backoff (and Retry-After) spares the replica that just failed; a retry that goes to another one need not wait.
      const waitMs = tried && replicas?.hasUntried(tried) ? 0 : delayMs;
      if (Date.now() + waitMs >= deadline || !budget?.tryRetry()) return settle(outcome);
      attempt += 1;
      req.log.debug({ subgraph: this.opts.name, attempt, delayMs: waitMs, reason: describe(outcome) }, 'subgraph retry');
      if (waitMs > 0) await sleep(waitMs);
    }
  }

  private async attempt(req: SubgraphRequest, timeoutMs: number, tried: Set<Replica> | undefined): Promise<Outcome> {
    if (tried && this.opts.replicas) return this.attemptReplica(req, timeoutMs, this.opts.replicas, tried);
    const send = async (): Promise<FetcherResponse> => {
      const response = await this.opts.post(req.url, { headers: req.headers, body: req.body, timeoutMs: Math.max(1, timeoutMs) });
      if (response.status >= 500) throw new FailedStatus(response);
      return response;
    };
    try {
      return { response: await (this.opts.breakers ? this.opts.breakers.run(this.opts.name, send) : send()) };
    } catch (error) {
      return error instanceof FailedStatus ? { response: error.response } : { error };
    }
  }

  /** One attempt on the replica the set picks (a different one than this call used, when it can); its outcome feeds the replica's health. */
  private async attemptReplica(req: SubgraphRequest, timeoutMs: number, replicas: ReplicaSet, tried: Set<Replica>): Promise<Outcome> {
    const replica = replicas.pick(tried, req.idempotent);
    if (!replica) return { error: Object.assign(new Error(`every replica of ${this.opts.name} is down`), { code: NO_REPLICA_CODE }) };
    tried.add(replica);
    try {
      const response = await this.opts.post(replica.url, { headers: req.headers, body: req.body, timeoutMs: Math.max(1, timeoutMs) });
      replicas.report(replica, response.status < 500);
      return { response };
    } catch (error) {
      replicas.report(replica, false);
      return { error };
    }
  }

  /** How long to wait before the next attempt, or undefined when this outcome must not be retried. */
  private retryDelayMs(outcome: Outcome, attempt: number, retry: RetryConfig): number | undefined {
    const backoff = backoffDelayMs(attempt, retry.baseDelayMs, retry.maxDelayMs);
    if ('response' in outcome) {
      if (!RETRYABLE_STATUS.has(outcome.response.status)) return undefined;
      const retryAfterMs = parseRetryAfterMs(outcome.response.headers.get('retry-after'));
      return Math.max(backoff, retryAfterMs ?? 0);
    }
    // An open circuit is the answer, not a blip; a timeout has used the whole deadline.
    if (isCircuitOpen(outcome.error)) return undefined;
    const code = (outcome.error as { code?: unknown } | null)?.code;
    return typeof code === 'string' && RETRYABLE_CODES.has(code) ? backoff : undefined;
  }
}

/**
 * Headers whose value is unique to each request; what they carry that matters is keyed separately.
 * Trace context is left out too (the subgraph's answer does not depend on it): a shared fetch then
 * appears only in the first caller's trace.
 */
const PER_REQUEST_HEADERS: ReadonlySet<string> = new Set(['x-request-id', IDENTITY_HEADER, 'traceparent', 'tracestate']);

/**
 * Two calls share a response only if everything the subgraph answers by is equal: the body
 * (operation text, variables, operation name), the caller, and every other header we send, so
 * callers with different identities or forwarded headers never share an answer.
 */
function dedupKey(req: SubgraphRequest): string {
  let key = `${req.url}\ncaller:${JSON.stringify([req.principal.id, [...req.principal.scopes].sort()])}`;
  for (const name in req.headers) {
    if (!PER_REQUEST_HEADERS.has(name)) key += `\n${name}:${req.headers[name]}`;
  }
  return `${key}\n\n${req.body}`;
}

function neverSent(outcome: Outcome): boolean {
  return 'error' in outcome && (outcome.error as { code?: unknown } | null)?.code === NEVER_SENT_CODE;
}

function throwOn5xx(response: FetcherResponse): FetcherResponse {
  if (response.status >= 500) throw new FailedStatus(response);
  return response;
}

function unwrapFailedStatus(err: unknown): FetcherResponse {
  if (err instanceof FailedStatus) return err.response;
  throw err;
}

function settle(outcome: Outcome): FetcherResponse {
  if ('response' in outcome) return outcome.response;
  throw outcome.error;
}

function describe(outcome: Outcome): string {
  if ('response' in outcome) return `status ${outcome.response.status}`;
  const e = outcome.error as { code?: unknown; name?: unknown } | null;
  return String(e?.code ?? e?.name ?? 'error');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
