import { generateHydratedPaths } from '@apollo/gateway/dist/executeQueryPlan';
import { ERRORS, errorCodeDef } from '@apollo/federation-internals';
import type { FetchNode, ResponsePath } from '@apollo/query-planner';
import { GraphQLError, type GraphQLErrorOptions, type GraphQLFormattedError } from 'graphql';
import type { ResultCursor } from './result-cursor';

/**
 * A subgraph's error as the client sees it, exactly as @apollo/gateway's executor makes it: the
 * path rebased from the subgraph operation onto the client's response (entity fetches map
 * `_entities[i]` back to the i-th entity's place), `serviceName` added, and a code Federation
 * knows (else the subgraph's own, else DOWNSTREAM_SERVICE_ERROR).
 */
export function subgraphErrors(errors: readonly GraphQLFormattedError[], fetch: FetchNode, cursor: ResultCursor): GraphQLError[] {
  const rebase = lazyErrorPath(fetch, cursor);
  return errors.map((error) => downstreamServiceError(error, fetch.serviceName, rebase));
}

type PathOfError = GraphQLErrorOptions['path'];

/** Hydrating the `@`s of the cursor's path means walking the data: only done when an error needs it. */
function lazyErrorPath(fetch: FetchNode, cursor: ResultCursor): (path: PathOfError) => PathOfError {
  let hydrated: ResponsePath[] | undefined;
  return (path) => {
    if (fetch.requires && typeof path?.[1] === 'number') {
      if (!hydrated) {
        hydrated = [];
        generateHydratedPaths([], cursor.path, cursor.fullResult, hydrated);
      }
      return [...(hydrated[path[1]] ?? []), ...path.slice(2)];
    }
    return path ? [...cursor.path, ...path] : undefined;
  };
}

function downstreamServiceError(original: GraphQLFormattedError, serviceName: string, rebase: (path: PathOfError) => PathOfError): GraphQLError {
  const message = original.message || `Error while fetching subquery from service "${serviceName}"`;
  const options: GraphQLErrorOptions = {
    // Apollo's executor keeps the subgraph's error object as the original (formatError logs it).
    originalError: original as Error,
    path: rebase(original.path),
    extensions: { ...original.extensions, serviceName },
  };
  const known = errorCodeDef(original);
  if (!known && original.extensions?.code) return new GraphQLError(message, options);
  return (known ?? ERRORS.DOWNSTREAM_SERVICE_ERROR).err(message, options);
}
