import { performance } from 'node:perf_hooks';
import { HeaderMap, type GraphQLRequestContextResponseForOperation, type GraphQLResponse } from '@apollo/server';
import type { Operation } from '@apollo/federation-internals';
import { evaluateCondition, type QueryPlan } from '@apollo/query-planner';
import { getVariableValues, type GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { AuthorizationDecisions } from '../auth/authorization-decisions';
import type { GatewayContext } from '../context';
import { fieldError } from '../errors';
import { runDeferredPlan, type DeferredRun } from '../execution/deferred-run';
import { prepareOperation } from '../execution/execute-plan';
import type { IncrementalItem, InitialPayload, SubsequentPayload } from '../execution/incremental-payloads';
import type { QueryPlanners } from '../execution/query-planners';
import { gatewayRequestContext } from '../execution/request-context';
import type { SubgraphServices } from '../execution/subgraph-services';
import { wantsDeferMultipart } from './accept';
import { authorizeParts } from './deferred-authorization';
import { deferDocument } from './defer-document';
import { streamEnded } from './stream-end';

export interface DeferredResponderOptions {
  /** A planner with `incrementalDelivery.enableDefer`, following the served schema. */
  planners: QueryPlanners;
  /** The data sources ApolloGateway built. */
  services: SubgraphServices;
  /** Filter mode's decisions; undefined in reject mode (the plugin has refused denied operations already). */
  authorization: AuthorizationDecisions | undefined;
  /** Apollo Server's formatError: a streamed payload's errors never pass through Apollo Server. */
  formatError: (formatted: GraphQLFormattedError, original: unknown) => GraphQLFormattedError;
  /** DEFER_TIMEOUT_MS: from the request's arrival to the end of the stream. */
  timeoutMs: number;
  /** Told how long the initial payload took (metrics). */
  onFirstPayload?: (seconds: number, operationName: string | null) => void;
}

type RequestContext = GraphQLRequestContextResponseForOperation<GatewayContext>;

/**
 * The @defer path (docs/defer.md): returns an incremental response for a query with an active
 * @defer from a client that prefers `multipart/mixed; deferSpec=20220824`, and null for everything
 * else, which then runs through ApolloGateway as usual. ApolloGateway's planner ignores @defer, so
 * that normal path is also the JSON fallback: one complete result, as if @defer were absent.
 * Runs in `responseForOperation`, after every `didResolveOperation` check (authorization in reject
 * mode, trusted documents, client policy, operation limits, rate limits, cost), so each applies
 * once, to the whole operation, before the first subgraph call.
 */
export function deferredResponder(opts: DeferredResponderOptions): (rc: RequestContext) => Promise<GraphQLResponse | null> {
  return async (rc) => {
    if (rc.operation.operation !== 'query' || !wantsDeferMultipart(rc.request.http?.headers.get('accept'))) return null;
    const operationName = rc.operationName ?? rc.request.operationName ?? null;
    const deferDoc = deferDocument(rc.document, operationName);
    const planner = opts.planners.current();
    // Introspection is answered by the normal path (the planner leaves it out of deferred parts).
    if (!deferDoc || deferDoc.selectsIntrospection || !planner) return null;
    const variables = rc.request.variables ?? {};
    // Bad variables: the normal path answers them with Apollo's usual 400.
    if (getVariableValues(rc.schema, rc.operation.variableDefinitions ?? [], variables).errors) return null;
    const context = rc.contextValue;
    const decision = opts.authorization?.decide({ schema: rc.schema, document: deferDoc.document, operationName, principal: context.principal });
    const planned = decision?.filtered?.document.document ?? deferDoc.document;
    let run: DeferredRun;
    let clearDeadline: () => void;
    try {
      const prepared = prepareOperation(planner.apiSchema, rc.schema, planned, operationName, variables);
      const plan = planner.plan(planned, operationName, () => prepared.operation);
      if (!startsWithDefer(plan, prepared.operation, variables)) return null;
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(), Math.max(0, opts.timeoutMs - (performance.now() - context.startedAtMs)));
      clearDeadline = () => clearTimeout(timer);
      const requestContext = gatewayRequestContext({
        context,
        schema: rc.schema,
        document: planned,
        operation: prepared.definition,
        operationName,
        queryHash: rc.queryHash ?? '',
        source: rc.source,
        variables,
        headers: rc.request.http?.headers ?? [],
        method: rc.request.http?.method ?? 'POST',
        overallCachePolicy: rc.overallCachePolicy,
      });
      const onPart = authorizeParts(decision, deferDoc, { ...prepared.operation.collectDefaultedVariableValues(), ...variables });
      run = runDeferredPlan(
        plan,
        { service: (name) => opts.services.get(name), supergraphSchema: planner.supergraphSchema, requestContext, ...prepared },
        { hiddenLabels: deferDoc.hiddenLabels, signal: deadline.signal, timeoutError: (path) => fieldError('DEFER_TIMEOUT', {}, { path }), ...(onPart ? { onPart } : {}) },
      );
      void run.ended.then(clearDeadline);
    } catch (err) {
      // A planning failure (e.g. a @defer the planner refuses) must not fail the request.
      context.log.warn({ err: describe(err) }, 'deferred planning failed; answering without @defer');
      return null;
    }
    let initial: InitialPayload;
    try {
      initial = await run.initial;
    } catch (err) {
      clearDeadline();
      context.log.error({ err: describe(err) }, 'deferred execution failed; answering without @defer');
      return null;
    }
    const firstPayloadMs = performance.now() - context.startedAtMs;
    opts.onFirstPayload?.(firstPayloadMs / 1000, operationName);
    const codes = codesOf(initial.errors);
    const format = (errors: readonly GraphQLError[] | undefined) => errors?.map((e) => opts.formatError(e.toJSON(), e));
    async function* subsequent() {
      let clientGone = true;
      try {
        for await (const payload of run.subsequent) {
          for (const item of payload.incremental ?? []) codes.push(...codesOf(item.errors));
          yield formatPayload(payload, format);
        }
        clientGone = false;
      } finally {
        const { timedOut } = await run.ended;
        streamEnded(context, { firstPayloadMs, errorCodes: codes, timedOut, clientGone, data: run.delivered() });
      }
    }
    return {
      // Private, partial and streamed: no cache between us and the client may keep it.
      http: { status: undefined, headers: new HeaderMap([['cache-control', 'no-store']]) },
      body: {
        kind: 'incremental',
        initialResult: {
          ...(initial.errors ? { errors: format(initial.errors) } : {}),
          data: initial.data ?? null,
          ...(initial.extensions ? { extensions: initial.extensions } : {}),
          hasNext: initial.hasNext,
        },
        subsequentResults: subsequent(),
      },
    };
  };
}

/** Whether the branch the variables pick starts with a Defer node (else nothing is deferred). */
function startsWithDefer(plan: QueryPlan, operation: Operation, variables: Record<string, unknown>): boolean {
  let node = plan.node;
  while (node?.kind === 'Condition') node = evaluateCondition(node, operation.variableDefinitions, variables) ? node.ifClause : node.elseClause;
  return node?.kind === 'Defer';
}

function formatPayload(payload: SubsequentPayload, format: (errors: readonly GraphQLError[] | undefined) => GraphQLFormattedError[] | undefined) {
  const item = (i: IncrementalItem) => ({
    ...(i.errors ? { errors: format(i.errors) } : {}),
    data: i.data,
    path: i.path,
    ...(i.label !== undefined ? { label: i.label } : {}),
    ...(i.extensions ? { extensions: i.extensions } : {}),
  });
  return { hasNext: payload.hasNext, ...(payload.incremental ? { incremental: payload.incremental.map(item) } : {}) };
}

function codesOf(errors: readonly GraphQLError[] | undefined): string[] {
  return (errors ?? []).map((e) => e.extensions.code).filter((c): c is string => typeof c === 'string');
}

function describe(err: unknown): Record<string, unknown> {
  return err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : { value: String(err) };
}
