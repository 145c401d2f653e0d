import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import type { GatewayContext } from '../context';
import { responsePath } from './authorization';
import type { AuthorizationDecisions } from './authorization-decisions';
import { applyDenied } from './authorization-filter';

/**
 * Filter mode (the default) of `@authenticated` / `@requiresScopes`: wraps the gateway so its
 * executor sees the operation without the fields this caller may not see (DESIGN.md decision 1:
 * the document must change before planning, which no plugin hook allows), then puts them back as
 * `null` + UNAUTHORIZED_FIELD_OR_TYPE.
 *
 * The plan cache: @apollo/gateway caches plans by `requestContext.queryHash`. A filtered document
 * gets the hash of its own printed text, so a plan built without `User.email` is only ever reused
 * for callers whose filtered operation is exactly that (DESIGN.md decision 4); unfiltered requests
 * keep Apollo Server's hash and are untouched. Decisions are cached (authorization-decisions.ts).
 */
export function authorizingGateway(inner: GatewayInterface, decisions: AuthorizationDecisions): GatewayInterface {
  return {
    onSchemaLoadOrUpdate: (callback) => inner.onSchemaLoadOrUpdate(callback),
    stop: () => inner.stop(),
    async load(options) {
      const loaded = await inner.load(options);
      return { ...loaded, executor: loaded.executor && filteringExecutor(loaded.executor, decisions) };
    },
  };
}

function filteringExecutor(execute: GatewayExecutor, decisions: AuthorizationDecisions): GatewayExecutor {
  return async (requestContext) => {
    const context = requestContext.context as unknown as GatewayContext;
    const { denied, filtered } = decisions.decide({
      schema: requestContext.schema,
      document: requestContext.document,
      operationName: requestContext.operationName ?? requestContext.request.operationName,
      principal: context.principal,
    });
    if (!filtered) return execute(requestContext);
    context.log.debug({ removed: denied.map((d) => ({ path: responsePath(d).join('.'), rules: d.rules })) }, 'unauthorized fields removed');
    const result = await execute({ ...requestContext, document: filtered.document.document, queryHash: filtered.queryHash });
    return applyDenied(result, denied, filtered.document);
  };
}
