import { getNamedType, isListType, isNonNullType, isObjectType, isInterfaceType, type FieldNode, type FragmentDefinitionNode, type GraphQLOutputType, type SelectionSetNode } from 'graphql';
import type { CompiledRoute } from './compiled-route';
import { fieldsWithKey } from './selection-path';

/**
 * Whether an error below the picked object can be why it is null: only when every position from
 * the pick down to the error is non-null, so GraphQL's null propagation carried the error's null
 * up to the pick. Errors at nullable positions below (a field filter mode denied on a user that
 * does not exist, say) explain nothing about the pick, which is then simply not found.
 */
export function nullsThePick(route: CompiledRoute, fragments: ReadonlyMap<string, FragmentDefinitionNode>, below: ReadonlyArray<string | number>): boolean {
  let type: GraphQLOutputType | undefined;
  let set: SelectionSetNode | undefined = route.answerSelection;
  let parent = getNamedType(route.answerType);
  for (const step of below) {
    if (typeof step === 'number') {
      const list = type && isNonNullType(type) ? type.ofType : type;
      if (!list || !isListType(list) || !isNonNullType(list.ofType)) return false;
      type = list.ofType;
      continue;
    }
    if (!set || !(isObjectType(parent) || isInterfaceType(parent))) return false;
    const node: FieldNode | undefined = fieldsWithKey(set, step, fragments)[0];
    const field = node ? parent.getFields()[node.name.value] : undefined;
    if (!node || !field || !isNonNullType(field.type)) return false;
    type = field.type;
    set = node.selectionSet;
    parent = getNamedType(field.type);
  }
  return true;
}
