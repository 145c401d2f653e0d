import {
  getNamedType,
  getNullableType,
  isInputObjectType,
  isListType,
  valueFromASTUntyped,
  type FieldNode,
  type GraphQLField,
  type GraphQLInputType,
  type ValueNode,
} from 'graphql';
import type { Variables } from './selection';

/** `@listSize` as declared (spec defaults not filled in). */
export interface ListSizeRule {
  assumedSize?: number;
  slicingArguments?: readonly string[];
  sizedFields?: readonly string[];
  /** @default true (the spec's default) */
  requireOneSlicingArgument?: boolean;
}

/**
 * The demand-control directives of the schema, looked up by schema coordinate: `Type`,
 * `Type.field`, `Type.field(arg:)`, `Input.field`. Built from the supergraph's DirectiveIndex in
 * production and from literals in tests, so the calculators stay pure.
 */
export interface CostRules {
  /** `@cost(weight:)` at a coordinate. */
  weight(coordinate: string): number | undefined;
  listSize(coordinate: string): ListSizeRule | undefined;
}

/** A client-caused problem found while costing (e.g. `requireOneSlicingArgument` broken). */
export class CostEstimateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CostEstimateError';
  }
}

/** The size a `@listSize` field promises for this selection, and which child fields it sizes. */
export interface ListSizing {
  expected: number | undefined;
  sizedFields: ReadonlySet<string> | undefined;
}

/**
 * Apollo Router's rule: the largest slicing-argument value given (or defaulted in the schema)
 * wins, else `assumedSize`. `requireOneSlicingArgument` (default true) demands exactly one.
 * Slicing arguments may name a path into an input object (`input.first`).
 */
export function listSizing(rule: ListSizeRule, definition: GraphQLField<unknown, unknown>, node: FieldNode, variables: Variables): ListSizing {
  const values: number[] = [];
  for (const path of rule.slicingArguments ?? []) {
    const [argName, ...rest] = path.split('.');
    const argDef = definition.args.find((a) => a.name === argName);
    const given = node.arguments?.find((a) => a.name.value === argName);
    const value = dig(given ? valueFromASTUntyped(given.value, variables) : undefined, rest) ?? dig(argDef?.defaultValue, rest);
    if (typeof value === 'number' && Number.isInteger(value)) values.push(Math.max(0, value));
  }
  if (rule.slicingArguments && rule.slicingArguments.length > 0 && rule.requireOneSlicingArgument !== false && values.length !== 1) {
    throw new CostEstimateError(`Exactly one slicing argument of ${definition.name} is required, but found ${values.length}`);
  }
  return {
    expected: values.length > 0 ? Math.max(...values) : rule.assumedSize,
    sizedFields: rule.sizedFields ? new Set(rule.sizedFields) : undefined,
  };
}

function dig(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current ?? undefined;
}

/**
 * Apollo Router's argument cost: an input object costs its `@cost` (default 1) plus its fields; a
 * list its own `@cost` (default 0) plus its items; a scalar or enum its `@cost` (default 0);
 * null nothing. Variables are resolved, so `$input` costs what its value costs.
 */
export function argumentCost(rules: CostRules, value: ValueNode, type: GraphQLInputType, coordinate: string, variables: Variables): number {
  if (value.kind === 'Variable') return valueCost(rules, variables[value.name.value], type, coordinate);
  return valueCost(rules, valueFromASTUntyped(value, variables), type, coordinate);
}

function valueCost(rules: CostRules, value: unknown, type: GraphQLInputType, coordinate: string): number {
  if (value === null || value === undefined) return 0;
  const nullable = getNullableType(type);
  const own = rules.weight(coordinate);
  if (Array.isArray(value)) {
    const item = isListType(nullable) ? (nullable.ofType as GraphQLInputType) : nullable;
    return value.reduce<number>((sum, v) => sum + valueCost(rules, v, item, coordinate), own ?? 0);
  }
  const named = getNamedType(nullable);
  const weight = own ?? rules.weight(named.name);
  if (isInputObjectType(named) && typeof value === 'object') {
    const fields = named.getFields();
    let cost = weight ?? 1;
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const field = fields[key];
      if (field) cost += valueCost(rules, v, field.type, `${named.name}.${key}`);
    }
    return cost;
  }
  return weight ?? 0;
}
