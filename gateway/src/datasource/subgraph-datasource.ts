import { performance } from 'node:perf_hooks';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
// The enum is declared in the typings but not re-exported from the package root at runtime.
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types';
import type { GraphQLError } from 'graphql';
import { IDENTITY_HEADER, type IdentitySigner } from '../auth/identity-header';
import type { GatewayContext } from '../context';
import { fieldError, gatewayError } from '../errors';
import type { Logger } from '../logger';
import { injectTraceContext } from '../observability/tracing';
import type { SubgraphCaller } from '../resilience/subgraph-caller';
import { classifyFetchFailure } from './fetch-failure';
import type { ResponseHeaderCollector } from './response-header-collector';
import { sendSubgraphOperation } from './send-operation';

/** Headers a subgraph could take as identity; only the gateway's own signed header may carry one. */
const IDENTITY_LIKE_HEADER = /^(x-user-|x-frontdoor-|x-gateway-|authorization$|cookie$|idempotency-key$)/;

export interface SubgraphDataSourceOptions {
  name: string;
  url: string;
  fetcher: RemoteGraphQLDataSource['fetcher'];
  /** Lower-case client header names copied to the subgraph (config FORWARD_HEADERS). */
  forwardHeaders: readonly string[];
  /** Used for calls that have no request context (health checks). */
  log: Logger;
  /** Sends client operations with the subgraph's timeout, retries, circuit breaker and deduplication. */
  caller: SubgraphCaller;
  /** Signs the identity header (SUBGRAPH_IDENTITY_SECRET); shared by every subgraph so a request is signed once. */
  identity: IdentitySigner;
  /** Told about every client-operation call: its outcome and duration (metrics). */
  onFetch?: (subgraph: string, outcome: FetchOutcome, durationMs: number) => void;
  /** Response headers copied to the client (SUBGRAPH_RESPONSE_HEADERS); absent when none are listed for this subgraph. */
  responseHeaders?: { names: readonly string[]; collector: ResponseHeaderCollector };
}

/** How one subgraph call ended, as metrics count it. */
export type FetchOutcome = 'ok' | 'graphql_errors' | 'timeout' | 'unavailable' | 'rejected' | 'error';

/**
 * The one data source used for every subgraph. It adds what the gateway owes each subgraph call
 * (request id, allowlisted client headers) and turns transport failures into coded, partial-result
 * errors that name the subgraph and leak neither URLs nor stack traces.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  readonly name: string;
  private readonly forwardHeaders: readonly string[];
  private readonly log: Logger;
  private readonly caller: SubgraphCaller;
  private readonly identity: IdentitySigner;
  private readonly onFetch: SubgraphDataSourceOptions['onFetch'];
  private readonly responseHeaders: SubgraphDataSourceOptions['responseHeaders'];

  constructor(opts: SubgraphDataSourceOptions) {
    super({ url: opts.url });
    this.name = opts.name;
    this.fetcher = opts.fetcher;
    this.forwardHeaders = opts.forwardHeaders;
    this.log = opts.log;
    this.caller = opts.caller;
    this.identity = opts.identity;
    this.onFetch = opts.onFetch;
    this.responseHeaders = opts.responseHeaders;
  }

  override willSendRequest(opts: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (opts.kind !== GraphQLDataSourceRequestKind.INCOMING_OPERATION) return;
    const headers = opts.request.http?.headers;
    if (!headers) return;
    const incoming = opts.incomingRequestContext.request.http?.headers;
    if (incoming) {
      for (const name of this.forwardHeaders) {
        const value = incoming.get(name);
        if (typeof value === 'string') headers.set(name, value);
      }
    }
    // Nothing a subgraph trusts may come from the client: drop any identity-looking header, then
    // send the gateway-verified caller, signed (DESIGN.md decision 8).
    for (const [name] of [...headers]) if (IDENTITY_LIKE_HEADER.test(name)) headers.delete(name);
    headers.set('x-request-id', opts.context.requestId);
    // With span export on, subgraphs see the gateway's fetch span as parent; otherwise the client's
    // traceparent (forwarded above) passes through unchanged.
    injectTraceContext((name, value) => headers.set(name, value));
    headers.set(IDENTITY_HEADER, this.identity.headerFor(opts.context));
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): ReturnType<RemoteGraphQLDataSource['process']> {
    // Health checks and schema loading keep Apollo's own errors; only client operations are mapped.
    if (options.kind !== GraphQLDataSourceRequestKind.INCOMING_OPERATION) return super.process(options);
    const log = options.context.log;
    const startedAtMs = performance.now();
    try {
      const response = await sendSubgraphOperation(this, this.caller, options);
      if (this.responseHeaders && response.http) this.collectResponseHeaders(options, response.http.headers, this.responseHeaders);
      const durationMs = elapsed(startedAtMs);
      log.debug({ subgraph: this.name, durationMs }, 'subgraph fetch');
      this.onFetch?.(this.name, response.errors?.length ? 'graphql_errors' : 'ok', durationMs);
      return response;
    } catch (err) {
      throw this.toClientError(err, log, startedAtMs);
    }
  }

  /**
   * Keeps the listed headers for the client response (plugins/response-headers.ts). A cookie is
   * meant for this caller alone: the response must then never enter the shared response cache,
   * so its cache policy drops to max-age 0 (Apollo then also answers `cache-control: no-store`).
   */
  private collectResponseHeaders(
    options: Extract<GraphQLDataSourceProcessOptions<GatewayContext>, { kind: GraphQLDataSourceRequestKind.INCOMING_OPERATION }>,
    headers: { get(name: string): string | null },
    copy: NonNullable<SubgraphDataSourceOptions['responseHeaders']>,
  ): void {
    const setCookie = copy.collector.collect(options.context, headers, copy.names);
    if (setCookie) options.incomingRequestContext.overallCachePolicy.restrict({ maxAge: 0 });
  }

  private toClientError(err: unknown, log: Logger, startedAtMs: number): GraphQLError {
    const failure = classifyFetchFailure(err);
    const durationMs = elapsed(startedAtMs);
    this.onFetch?.(this.name, failure.kind === 'unknown' ? 'error' : failure.kind, durationMs);
    log.warn({ subgraph: this.name, durationMs, failure: failure.kind, cause: failure.detail }, 'subgraph fetch failed');
    switch (failure.kind) {
      case 'timeout':
        return gatewayError('SUBGRAPH_TIMEOUT', { serviceName: this.name });
      case 'unavailable':
        return gatewayError('SUBGRAPH_UNAVAILABLE', { serviceName: this.name });
      case 'rejected':
        // A subgraph's 401/403 is one part of the response failing, not the whole operation.
        return fieldError(failure.code, { serviceName: this.name });
      case 'unknown':
        return gatewayError('DOWNSTREAM_SERVICE_ERROR', { serviceName: this.name });
    }
  }
}

function elapsed(startedAtMs: number): number {
  return Math.round((performance.now() - startedAtMs) * 100) / 100;
}
