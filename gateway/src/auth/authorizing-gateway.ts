import { createHash } from 'node:crypto';
import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { print, type DocumentNode } from 'graphql';
import type { GatewayContext } from '../context';
import type { DirectiveIndexHolder } from '../directives/directive-index-holder';
import type { DirectiveIndex } from '../directives/directive-index';
import { findDeniedFields, responsePath, type DeniedField } from './authorization';
import { applyDenied, removeDenied, type FilteredDocument } from './authorization-filter';
import type { Principal } from './principal';

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

/** What filter mode decided for one operation and one kind of caller. */
interface Decision {
  denied: DeniedField[];
  /** The document without the denied fields and its plan-cache hash; absent when nothing is denied. */
  filtered?: { document: FilteredDocument; queryHash: string };
}

/** Distinct callers (authenticated or not × scope sets) remembered per document; past it, the list starts over. */
const MAX_CALLER_KINDS_PER_DOCUMENT = 64;

function filteringExecutor(execute: GatewayExecutor, directives: DirectiveIndexHolder): GatewayExecutor {
  // Index → document → (operation, caller kind) → decision. The rules depend only on those, and
  // Apollo Server hands every request for the same query text the same parsed document, so the
  // walk, the filtered document and its hash are computed once instead of per request. Weak keys:
  // a schema reload (new index) or an evicted document takes its decisions with it.
  const decisions = new WeakMap<DirectiveIndex, WeakMap<DocumentNode, Map<string, Decision>>>();
  const decide = (requestContext: Parameters<GatewayExecutor>[0], principal: Principal): Decision => {
    const index = directives.current;
    const operationName = requestContext.operationName ?? requestContext.request.operationName;
    let byDocument = decisions.get(index);
    if (!byDocument) decisions.set(index, (byDocument = new WeakMap()));
    let byCaller = byDocument.get(requestContext.document);
    if (!byCaller) byDocument.set(requestContext.document, (byCaller = new Map()));
    const key = `${operationName ?? ''}\n${callerKind(principal)}`;
    const known = byCaller.get(key);
    if (known) return known;
    const denied = findDeniedFields({ schema: requestContext.schema, document: requestContext.document, operationName, index, principal });
    let decision: Decision = { denied };
    if (denied.length > 0) {
      const document = removeDenied(requestContext.document, denied);
      decision = { denied, filtered: { document, queryHash: createHash('sha256').update(print(document.document)).digest('hex') } };
    }
    if (byCaller.size >= MAX_CALLER_KINDS_PER_DOCUMENT) byCaller.clear();
    byCaller.set(key, decision);
    return decision;
  };
  return async (requestContext) => {
    const context = requestContext.context as unknown as GatewayContext;
    const { denied, filtered } = decide(requestContext, context.principal);
    if (!filtered) return execute(requestContext);
    context.log.debug({ removed: denied.map((d) => ({ path: responsePath(d).join('.'), rules: d.rules })) }, 'unauthorized fields removed');
    const result = await execute({ ...requestContext, document: filtered.document.document, queryHash: filtered.queryHash });
    return applyDenied(result, denied, filtered.document);
  };
}

/** All the rules look at: whether there is a caller, and which scopes it holds. */
function callerKind(principal: Principal): string {
  return principal.id === null ? 'anonymous' : `scopes:${[...principal.scopes].sort().join(' ')}`;
}
