import { createHash } from 'node:crypto';
import { print, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { DirectiveIndex } from '../directives/directive-index';
import type { DirectiveIndexHolder } from '../directives/directive-index-holder';
import { findDeniedFields, type DeniedField } from './authorization';
import { removeDenied, type FilteredDocument } from './authorization-filter';
import type { Principal } from './principal';

/** What filter mode decided for one operation and one kind of caller. */
export interface Decision {
  denied: DeniedField[];
  /** The document without the denied fields and its plan-cache hash; absent when nothing is denied. */
  filtered?: { document: FilteredDocument; queryHash: string };
}

export interface DecisionInput {
  /** The API schema the operation was validated against. */
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName: string | null | undefined;
  principal: Principal;
}

/** Distinct callers (authenticated or not × scope sets) remembered per document; past it, the list starts over. */
const MAX_CALLER_KINDS_PER_DOCUMENT = 64;

/**
 * Filter mode's decisions, shared by the executor wrapper (which removes the denied fields) and the
 * limits plugin (which must not count `@rateLimit` on fields that will not run). Cached as index →
 * document → (operation, caller kind): the rules depend only on those, and Apollo Server hands every
 * request for the same query text the same parsed document, so the walk, the filtered document and
 * its hash are computed once instead of per request. Weak keys: a schema reload (new index) or an
 * evicted document takes its decisions with it.
 */
export class AuthorizationDecisions {
  private readonly decisions = new WeakMap<DirectiveIndex, WeakMap<DocumentNode, Map<string, Decision>>>();

  constructor(private readonly directives: DirectiveIndexHolder) {}

  decide(input: DecisionInput): Decision {
    const index = this.directives.current;
    let byDocument = this.decisions.get(index);
    if (!byDocument) this.decisions.set(index, (byDocument = new WeakMap()));
    let byCaller = byDocument.get(input.document);
    if (!byCaller) byDocument.set(input.document, (byCaller = new Map()));
    const key = `${input.operationName ?? ''}\n${callerKind(input.principal)}`;
    const known = byCaller.get(key);
    if (known) return known;
    const denied = findDeniedFields({ ...input, index });
    let decision: Decision = { denied };
    if (denied.length > 0) {
      const document = removeDenied(input.document, denied);
      decision = { denied, filtered: { document, queryHash: createHash('sha256').update(print(document.document)).digest('hex') } };
    }
    if (byCaller.size >= MAX_CALLER_KINDS_PER_DOCUMENT) byCaller.clear();
    byCaller.set(key, decision);
    return decision;
  }
}

/** All the rules look at: whether there is a caller, and which scopes it holds. */
function callerKind(principal: Principal): string {
  return principal.id === null ? 'anonymous' : `scopes:${[...principal.scopes].sort().join(' ')}`;
}
