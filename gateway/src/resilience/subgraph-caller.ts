import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { IDENTITY_HEADER } from '../auth/identity-header';
import type { Principal } from '../auth/principal';
import type { PostToSubgraph } from '../datasource/undici-fetcher';
import type { Logger } from '../logger';
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
}

/** Statuses that say "try again": the subgraph (or a proxy in front of it) is briefly unable to answer. */
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
/** Transport errors where the request most likely never reached a resolver. */
const RETRYABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

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
    return result.then((res) => res.clone());
  }

  private async callWithRetries(req: SubgraphRequest): Promise<FetcherResponse> {
    const { retry, budget } = this.opts;
    const deadline = Date.now() + this.opts.timeoutMs;
    budget?.recordRequest();
    for (let attempt = 0; ; attempt += 1) {
      const outcome = await this.attempt(req, deadline - Date.now());
      const delayMs = retry && req.idempotent && attempt < retry.maxRetries ? this.retryDelayMs(outcome, attempt, retry) : undefined;
      if (delayMs === undefined || Date.now() + delayMs >= deadline || !budget?.tryRetry()) return settle(outcome);
      req.log.debug({ subgraph: this.opts.name, attempt: attempt + 1, delayMs, reason: describe(outcome) }, 'subgraph retry');
      await sleep(delayMs);
    }
  }

  private async attempt(req: SubgraphRequest, timeoutMs: number): Promise<Outcome> {
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
