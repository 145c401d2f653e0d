import { applyRewrites } from '@apollo/gateway/dist/dataRewrites';
import type { FetchNode, PlanNode } from '@apollo/query-planner';
import type { GatewayExecutionResult } from '@apollo/server-gateway-interface';
import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { applyDenied, type FilteredDocument } from '../auth/authorization-filter';
import type { DeniedField } from '../auth/authorization';
import { executeNodeFrom, type PlanExecutionInput } from '../execution/execute-plan';
import type { ResultMap } from '../execution/result-cursor';
import { shapeResult } from '../execution/shape-result';
import { subgraphErrors } from '../execution/subgraph-errors';
import type { StreamResult } from './client-stream';
import type { UpstreamEvent } from './upstream/upstream-hub';

/** Everything one subscription needs to turn an upstream event into the client's result. */
export interface EventExecution {
  primary: FetchNode;
  /** The rest of the SubscriptionNode: runs through the same data sources as a query's fetches. */
  rest: PlanNode | undefined;
  input: PlanExecutionInput;
  /** Filter-mode authorization: the fields removed before planning, put back as null + error. */
  authorization?: { denied: readonly DeniedField[]; filtered: FilteredDocument };
}

/**
 * One event, as the equivalent query would answer at that moment: the primary fetch's data (what
 * the subgraph pushed) is enriched by running `rest` against it (entity fetches to the other
 * subgraphs), shaped to the client's selection, and filter-mode's denied fields are nulled with
 * their errors. Subgraph errors get the same rebasing and codes as on the query path.
 */
export async function executeEvent(execution: EventExecution, event: UpstreamEvent): Promise<GatewayExecutionResult> {
  // The primary fetch is a root fetch: its errors' paths are already the client's.
  const primaryErrors = (errors: readonly GraphQLFormattedError[] | undefined, data: ResultMap): GraphQLError[] =>
    errors?.length ? subgraphErrors(errors, execution.primary, { path: [], data, fullResult: data }) : [];
  if (!event.data) return { data: null, errors: primaryErrors(event.errors, {}) };
  // A shared upstream hands the same event to several subscriptions, and execution merges into it.
  const data = structuredClone(event.data) as ResultMap;
  if (execution.primary.outputRewrites) applyRewrites(execution.input.supergraphSchema, execution.primary.outputRewrites, data);
  const errors = primaryErrors(event.errors, data);
  if (execution.rest) errors.push(...(await executeNodeFrom(execution.rest, data, execution.input)));
  const result = shapeResult(execution.input, data, errors);
  return execution.authorization ? applyDenied(result, execution.authorization.denied, execution.authorization.filtered) : result;
}

/** Formats a result for the client with the gateway's one error formatter (masking, codes). */
export type ErrorFormatter = (formatted: GraphQLFormattedError, original: unknown) => GraphQLFormattedError;

export function toStreamResult(result: GatewayExecutionResult, format: ErrorFormatter): StreamResult {
  const out: { -readonly [K in keyof StreamResult]: StreamResult[K] } = {};
  if (result.data !== undefined) out.data = result.data;
  if (result.errors?.length) out.errors = result.errors.map((e) => format(e.toJSON(), e));
  if (result.extensions) out.extensions = result.extensions;
  return out;
}
