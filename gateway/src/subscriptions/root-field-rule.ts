import { Kind, parse, type DefinitionNode, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/** Only a document that names both can break the rule: every other one is never parsed here. */
const MENTIONS_SKIP_OR_INCLUDE = /@\s*(?:skip|include)\b/;
const MENTIONS_SUBSCRIPTION = /\bsubscription\b/;

/**
 * Pure: `@skip` or `@include` on a root selection of a subscription (on the field, or on a fragment
 * that holds it) is invalid: a subscription has exactly one root field, known before any variable
 * is (the "Single root field" rule of the GraphQL spec draft; graphql-js 17 reports it). Returns the
 * validation message, or undefined when every subscription of the document is fine, or when the
 * document does not parse (Apollo Server reports that with its location).
 *
 * Why the gateway checks this before Apollo Server validates: graphql-js 16's
 * SingleFieldSubscriptionsRule evaluates these directives with no variables and *throws* when their
 * `if` is a variable, missing or not a Boolean; Apollo Server turns a throw inside validation into a
 * 500 (and a WebSocket `error` with INTERNAL_SERVER_ERROR). With a literal `if: true` the operation
 * validated with no root field and the planner had nothing to subscribe to (the same 500). The
 * request and WebSocket fuzz both found it within their first seconds.
 */
export function subscriptionRootDirectiveError(query: string, maxTokens: number): string | undefined {
  if (!MENTIONS_SKIP_OR_INCLUDE.test(query) || !MENTIONS_SUBSCRIPTION.test(query)) return undefined;
  let document: DocumentNode;
  try {
    document = parse(query, { noLocation: true, maxTokens });
  } catch {
    return undefined;
  }
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  for (const definition of document.definitions) {
    if (!isSubscription(definition)) continue;
    if (usesSkipOrInclude(definition.selectionSet, fragments, new Set())) {
      const name = definition.name?.value;
      return `${name === undefined ? 'Anonymous Subscription' : `Subscription "${name}"`} must not use @skip or @include on its root selections.`;
    }
  }
  return undefined;
}

function isSubscription(definition: DefinitionNode): definition is OperationDefinitionNode {
  return definition.kind === Kind.OPERATION_DEFINITION && definition.operation === 'subscription';
}

/** Root level only: through inline fragments and fragment spreads, never into a field's own selections. */
function usesSkipOrInclude(selectionSet: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, visited: Set<string>): boolean {
  for (const selection of selectionSet.selections) {
    if (selection.directives?.some((d) => d.name.value === 'skip' || d.name.value === 'include')) return true;
    if (selection.kind === Kind.INLINE_FRAGMENT && usesSkipOrInclude(selection.selectionSet, fragments, visited)) return true;
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const name = selection.name.value;
      // A fragment cycle is its own validation error (NoFragmentCyclesRule); here it must not loop.
      if (visited.has(name)) continue;
      visited.add(name);
      const fragment = fragments.get(name);
      if (fragment && usesSkipOrInclude(fragment.selectionSet, fragments, visited)) return true;
    }
  }
  return false;
}
