import { performance } from 'node:perf_hooks';
import type { GraphQLRequestContextResponseForOperation } from '@apollo/server';
import type { GatewayExecutionResult } from '@apollo/server-gateway-interface';
import type { GraphQLError } from 'graphql';
import type { AuthorizationDecisions } from '../auth/authorization-decisions';
import { applyDenied } from '../auth/authorization-filter';
import type { VerifiedToken } from '../auth/jwt';
import type { Principal } from '../auth/principal';
import type { GatewayContext } from '../context';
import { gatewayError } from '../errors';
import { prepareOperation } from '../execution/execute-plan';
import type { QueryPlanners } from '../execution/query-planners';
import { gatewayRequestContext } from '../execution/request-context';
import type { SubgraphServices } from '../execution/subgraph-services';
import type { Logger } from '../logger';
import { ClientStream, type EndReason } from './client-stream';
import { toStreamResult, type ErrorFormatter, type EventExecution } from './event-execution';
import { SharedExecutions } from './shared-executions';
import type { SubscriptionsConfig } from './subscription-config';
import type { SubscriptionMetrics } from './subscription-metrics';
import type { OpenSubscription, SubscriptionRegistry } from './subscription-registry';
import type { SubscriptionProtocol } from './subscription-slot';
import { stableJson, type UpstreamHub } from './upstream/upstream-hub';

export interface SubscriptionServiceOptions {
  config: SubscriptionsConfig;
  planners: QueryPlanners;
  services: SubgraphServices;
  hub: UpstreamHub;
  registry: SubscriptionRegistry;
  metrics: SubscriptionMetrics;
  /** Filter-mode authorization (absent in reject mode, where the plugin has refused already). */
  authorization: AuthorizationDecisions | undefined;
  formatError: ErrorFormatter;
  log: Logger;
}

/** Where a subscription comes from. */
export interface SubscriptionOrigin {
  protocol: SubscriptionProtocol;
  /** The caller's verified token (the token watch re-checks it); undefined for anonymous callers. */
  token: VerifiedToken | undefined;
  /** The WebSocket connection's open subscriptions (its cap); undefined for HTTP. */
  connection?: Set<OpenSubscription>;
}

export type StartOutcome = { ok: true; stream: ClientStream } | { ok: false; error: GraphQLError };

type Captured = GraphQLRequestContextResponseForOperation<GatewayContext>;

/**
 * Starts client subscriptions from operations the pipeline has accepted: caps, filter-mode
 * authorization, planning, the (possibly shared) upstream subscription, per-event enrichment in
 * order, and the end of each one (metrics, one log line). Doors only carry the stream.
 */
export class SubscriptionService {
  private shuttingDown = false;
  private readonly executions: SharedExecutions;

  constructor(private readonly opts: SubscriptionServiceOptions) {
    this.executions = new SharedExecutions(opts.hub, opts.formatError);
  }

  start(captured: Captured, origin: SubscriptionOrigin): StartOutcome {
    const { config, registry } = this.opts;
    const context = captured.contextValue;
    const caller = context.principal.id ?? `ip:${context.clientIp}`;
    if (this.shuttingDown) return { ok: false, error: gatewayError('SERVER_SHUTTING_DOWN') };
    if (registry.countFor(caller) >= config.maxPerCaller) {
      return { ok: false, error: gatewayError('SUBSCRIPTIONS_PER_CALLER_EXCEEDED', { max: config.maxPerCaller }) };
    }
    if (origin.connection && origin.connection.size >= config.maxPerConnection) {
      return { ok: false, error: gatewayError('SUBSCRIPTIONS_PER_CONNECTION_EXCEEDED', { max: config.maxPerConnection }) };
    }
    const prepared = this.prepare(captured);
    if (prepared.kind === 'denied') return { ok: true, stream: deniedStream(prepared.result, this.opts.formatError) };
    const { execution } = prepared;
    const subgraph = execution.primary.serviceName;
    const startedAtMs = performance.now();
    const onEnd = (reason: EndReason, events: number, error?: GraphQLError): void => {
      const recorded: EndReason = this.shuttingDown && reason === 'client' ? 'shutdown' : reason;
      unlisten();
      registry.remove(entry);
      this.opts.metrics.ended(origin.protocol, subgraph, recorded);
      context.log.info(
        {
          operationName: captured.operationName,
          protocol: origin.protocol,
          subgraph,
          durationMs: Math.round(performance.now() - startedAtMs),
          events,
          reason: recorded,
          errorCode: error?.extensions.code ?? null,
          principalId: context.principal.id,
        },
        'subscription ended',
      );
    };
    const stream = new ClientStream(config.maxBacklog, onEnd);
    const entry: OpenSubscription = { stream, protocol: origin.protocol, caller, token: origin.token, connection: origin.connection };
    registry.add(entry);
    this.opts.metrics.opened(origin.protocol, subgraph);

    const variables = captured.request.variables ?? {};
    let unlisten: () => void = () => undefined;
    unlisten = this.executions.join(
      executionKey(prepared.queryHash, captured.operationName, variables, context.principal),
      () => ({
        execution,
        upstream: {
          subgraph,
          operation: execution.primary.operation,
          operationName: execution.primary.operationName,
          variables: pickVariables(execution.primary.variableUsages, variables),
          principal: context.principal,
          requestId: context.requestId,
        },
        log: context.log,
      }),
      { stream, delivered: () => this.opts.metrics.events.inc({ protocol: origin.protocol, subgraph }) },
    );
    if (!stream.open) unlisten();
    return { ok: true, stream };
  }

  /** Ends every open subscription (a new supergraph: clients must resubscribe against it). */
  schemaChanged(): void {
    this.opts.registry.failAll('schema_changed', () => gatewayError('SUBSCRIPTION_SCHEMA_CHANGED'));
  }

  /**
   * SIGTERM: new subscriptions are refused and HTTP streams end with SERVER_SHUTTING_DOWN. WebSocket
   * subscriptions are left to their door, which closes the sockets with 1001 so clients reconnect
   * and resubscribe by themselves (an `error` message would end them for good).
   */
  shutdown(): void {
    this.shuttingDown = true;
    this.opts.registry.failAll('shutdown', () => gatewayError('SERVER_SHUTTING_DOWN'), (entry) => entry.protocol !== 'ws');
  }

  private prepare(captured: Captured): { kind: 'execution'; execution: EventExecution; queryHash: string } | { kind: 'denied'; result: GatewayExecutionResult } {
    const context = captured.contextValue;
    const planner = this.opts.planners.current();
    if (!planner) throw new Error('subscription started before the supergraph loaded');
    const decision = this.opts.authorization?.decide({
      schema: captured.schema,
      document: captured.document,
      operationName: captured.operationName,
      principal: context.principal,
    });
    const filtered = decision?.filtered;
    // A subscription has one root field: when filter mode removes it, there is nothing to open.
    if (decision && filtered && decision.denied.some((d) => d.path.length === 1)) {
      return { kind: 'denied', result: applyDenied({ data: {} }, decision.denied, filtered.document) };
    }
    const document = filtered?.document.document ?? captured.document;
    const variables = captured.request.variables ?? {};
    const prepared = prepareOperation(planner.apiSchema, captured.schema, document, captured.operationName, variables);
    const node = planner.plan(document, captured.operationName, () => prepared.operation).node;
    if (node?.kind !== 'Subscription') throw new Error(`expected a Subscription plan, got ${node?.kind ?? 'none'}`);
    const requestContext = gatewayRequestContext({
      context,
      schema: captured.schema,
      document,
      operation: prepared.definition,
      operationName: captured.operationName,
      queryHash: filtered?.queryHash ?? captured.queryHash ?? '',
      ...(captured.source !== undefined ? { source: captured.source } : {}),
      variables,
      headers: captured.request.http?.headers ?? [],
    });
    const execution: EventExecution = {
      primary: node.primary,
      rest: node.rest,
      input: { ...prepared, service: (name) => this.opts.services.get(name), supergraphSchema: planner.supergraphSchema, requestContext },
      ...(filtered && decision ? { authorization: { denied: decision.denied, filtered: filtered.document } } : {}),
    };
    return { kind: 'execution', execution, queryHash: requestContext.queryHash ?? '' };
  }
}

/** The answer of a subscription whose only field the caller may not see: one result, then the end. */
function deniedStream(result: GatewayExecutionResult, format: ErrorFormatter): ClientStream {
  const stream = new ClientStream(1, () => undefined);
  stream.reserve();
  stream.deliver(toStreamResult(result, format));
  stream.complete();
  return stream;
}

/** Subscriptions with the same key get the same result for every event (shared-executions.ts). */
function executionKey(queryHash: string, operationName: string | null, variables: Record<string, unknown>, principal: Principal): string {
  return `${queryHash}\u0000${operationName ?? ''}\u0000${stableJson(variables)}\u0000${principal.id ?? ''}\u0000${[...principal.scopes].sort().join(' ')}`;
}

/** The request variables the primary fetch uses (the planner lists them). */
function pickVariables(usages: readonly string[] | undefined, variables: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of usages ?? []) if (name in variables) out[name] = variables[name];
  return out;
}
