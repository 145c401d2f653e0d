import { createHash } from 'node:crypto';
import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { print } from 'graphql';
import type { GatewayContext } from '../context';
import type { DirectiveIndexHolder } from '../directives/directive-index-holder';
import { findDeniedFields, responsePath } from './authorization';
import { applyDenied, removeDenied } from './authorization-filter';

/**
 * Filter mode (the default) of `@authenticated` / `@requiresScopes`: wraps the gateway so its
 * executor sees the operation without the fields this caller may not see (DESIGN.md decision 1:
 * the document must change before planning, which no plugin hook allows), then puts them back as
 * `null` + UNAUTHORIZED_FIELD_OR_TYPE.
 *
 * The plan cache: @apollo/gateway caches plans by `requestContext.queryHash`. A filtered document
 * gets the hash of its own printed text, so a plan built without `User.email` is only ever reused
 * for callers whose filtered operation is exactly that (DESIGN.md decision 4); unfiltered requests
 * keep Apollo Server's hash and are untouched.
 */
export function authorizingGateway(inner: GatewayInterface, directives: DirectiveIndexHolder): GatewayInterface {
  return {
    onSchemaLoadOrUpdate: (callback) => inner.onSchemaLoadOrUpdate(callback),
    stop: () => inner.stop(),
    async load(options) {
      const loaded = await inner.load(options);
      return { ...loaded, executor: loaded.executor && filteringExecutor(loaded.executor, directives) };
    },
  };
}

function filteringExecutor(execute: GatewayExecutor, directives: DirectiveIndexHolder): GatewayExecutor {
  return async (requestContext) => {
    const context = requestContext.context as unknown as GatewayContext;
    const denied = findDeniedFields({
      schema: requestContext.schema,
      document: requestContext.document,
      operationName: requestContext.operationName ?? requestContext.request.operationName,
      index: directives.current,
      principal: context.principal,
    });
    if (denied.length === 0) return execute(requestContext);
    context.log.debug({ removed: denied.map((d) => ({ path: responsePath(d).join('.'), rules: d.rules })) }, 'unauthorized fields removed');
    const filtered = removeDenied(requestContext.document, denied);
    const queryHash = createHash('sha256').update(print(filtered.document)).digest('hex');
    const result = await execute({ ...requestContext, document: filtered.document, queryHash });
    return applyDenied(result, denied, filtered);
  };
}
