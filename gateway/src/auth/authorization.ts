import {
  getNamedType,
  isAbstractType,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { DirectiveIndex } from '../directives/directive-index';
import type { Principal } from './principal';

/** One step of a response path: the response key (alias or field name) and the field's type there. */
export interface PathStep {
  key: string;
  type: GraphQLOutputType;
}

/** A selected field the caller may not see, with where it sits in the response. */
export interface DeniedField {
  /** The field in the document (possibly inside a fragment definition). */
  node: FieldNode;
  /** Response keys from the root to this field; list positions are not known before execution. */
  path: readonly PathStep[];
  /** The type the field was selected on (`User` for `User.email`). */
  parentType: string;
  /** Object types that parent can be at run time (itself, or an abstract type's implementations). */
  possibleParentTypes: readonly string[];
  /** The rules that failed, for logs: `User.email @authenticated`, … */
  rules: string[];
}

export interface AuthorizationInput {
  /** The API schema the operation was validated against. */
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  /** Directive rules of the same schema (rebuilt on every load). */
  index: DirectiveIndex;
  principal: Principal;
}

/**
 * Which selected fields `@authenticated` / `@requiresScopes` deny this caller. Pure: only the
 * operation is walked (fragments and inline fragments expanded, aliases kept as response keys),
 * never the schema. Rules checked for a field: the field's own coordinate; for a field selected on
 * an interface, also that field on every implementation (it may resolve to any of them); and the
 * type rules of the field's return type (for an abstract return type, of every possible type).
 * A denied field's sub-selections are not walked: the whole field goes.
 */
export function findDeniedFields(input: AuthorizationInput): DeniedField[] {
  const operation = pickOperation(input.document, input.operationName);
  if (!operation) return [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of input.document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const root = input.schema.getRootType(operation.operation);
  if (!root) return [];

  const rules = new RuleChecker(input.schema, input.index, input.principal);
  const denied: DeniedField[] = [];
  const walk = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, path: readonly PathStep[], seen: ReadonlySet<string>): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        // Meta fields (__typename, introspection) carry no rules.
        if (name.startsWith('__')) continue;
        const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
        if (!field) continue;
        const step: PathStep = { key: selection.alias?.value ?? name, type: field.type };
        const failed = rules.failedFor(parent, name, getNamedType(field.type));
        if (failed.length > 0) {
          const possibleParentTypes = isAbstractType(parent) ? input.schema.getPossibleTypes(parent).map((t) => t.name) : [parent.name];
          denied.push({ node: selection, path: [...path, step], parentType: parent.name, possibleParentTypes, rules: failed });
          continue;
        }
        const named = getNamedType(field.type);
        if (selection.selectionSet && (isObjectType(named) || isAbstractType(named))) walk(selection.selectionSet, named, [...path, step], seen);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, conditionType(input.schema, selection.typeCondition?.name.value) ?? parent, path, seen);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // `seen` guards against fragment cycles (invalid documents never get here, but be safe).
        if (!fragment || seen.has(name)) continue;
        walk(fragment.selectionSet, conditionType(input.schema, fragment.typeCondition.name.value) ?? parent, path, new Set([...seen, name]));
      }
    }
  };
  walk(operation.selectionSet, root, [], new Set());
  return denied;
}

/** The rules of one schema for one caller, with the per-coordinate answers memoized for the request. */
class RuleChecker {
  private readonly memo = new Map<string, string | null>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly index: DirectiveIndex,
    private readonly principal: Principal,
  ) {}

  /** Every failed rule for selecting `parent.field` (returning `returnType`); empty when allowed. */
  failedFor(parent: GraphQLCompositeType, field: string, returnType: GraphQLNamedType): string[] {
    const coordinates = [`${parent.name}.${field}`, returnType.name];
    if (isInterfaceType(parent)) for (const impl of this.schema.getPossibleTypes(parent)) coordinates.push(`${impl.name}.${field}`);
    if (isAbstractType(returnType)) for (const impl of this.schema.getPossibleTypes(returnType)) coordinates.push(impl.name);
    return coordinates.map((c) => this.check(c)).filter((r): r is string => r !== null);
  }

  /** null when allowed, else a description of the failed rule. */
  private check(coordinate: string): string | null {
    const cached = this.memo.get(coordinate);
    if (cached !== undefined) return cached;
    let failed: string | null = null;
    if (this.index.find(coordinate, 'authenticated') && this.principal.id === null) failed = `${coordinate} @authenticated`;
    const scopes = this.index.find(coordinate, 'requiresScopes');
    if (!failed && scopes && !satisfiesScopes(scopes.args.scopes, this.principal)) failed = `${coordinate} @requiresScopes`;
    this.memo.set(coordinate, failed);
    return failed;
  }
}

/**
 * `@requiresScopes(scopes: [[a, b], [c]])`: the caller needs every scope of at least one inner
 * list (outer list OR, inner list AND). Anonymous callers have no scopes. A malformed argument
 * denies: a rule we cannot read must not open the field.
 */
export function satisfiesScopes(scopes: unknown, principal: Principal): boolean {
  if (principal.id === null || !Array.isArray(scopes)) return false;
  const granted = new Set(principal.scopes);
  return scopes.some((all) => Array.isArray(all) && all.every((scope) => typeof scope === 'string' && granted.has(scope)));
}

function pickOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return operations.find((o) => o.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

function conditionType(schema: GraphQLSchema, name: string | undefined): GraphQLCompositeType | undefined {
  if (!name) return undefined;
  const type = schema.getType(name);
  return type && (isObjectType(type) || isAbstractType(type)) ? type : undefined;
}

/** `user.orders.payment` style, for logs and the reject-mode error. */
export function responsePath(field: DeniedField): string[] {
  return field.path.map((s) => s.key);
}
