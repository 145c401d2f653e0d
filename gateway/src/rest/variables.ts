import {
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLID,
  GraphQLInt,
  GraphQLString,
  coerceInputValue,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  type GraphQLInputType,
} from 'graphql';

/** Where a variable's value comes from in the HTTP request. */
export type VariableSource = 'path' | 'query' | 'body' | 'body-member';

export interface VariablePlan {
  readonly name: string;
  readonly source: VariableSource;
  readonly type: GraphQLInputType;
  /** Non-null without a default: the request must give it. */
  readonly required: boolean;
}

/** A refused parameter: what the 400 BAD_USER_INPUT names (`extensions.parameter`, `in`, `expected`). */
export interface ParameterProblem {
  parameter: string;
  in: 'path' | 'query' | 'body';
  expected: string;
}

export type Coerced = { ok: true; value: unknown } | { ok: false; problem: ParameterProblem };

const INT_PATTERN = /^[+-]?\d{1,10}$/;
const INT_MIN = -2_147_483_648;
const INT_MAX = 2_147_483_647;

/** Whether a value of this type can be written in a path segment or a query string. */
export function isTextual(type: GraphQLInputType): boolean {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    const item = isNonNullType(inner.ofType) ? inner.ofType.ofType : inner.ofType;
    return !isListType(item) && !isInputObjectType(item);
  }
  return !isInputObjectType(inner);
}

/**
 * Path and query-string text → the variable's type. Scalars are parsed the way GraphQL reads them
 * from JSON (Int is a 32-bit integer, Boolean is `true`/`false`); enums must name a value; a list
 * comes from a repeated query parameter. Custom scalars pass as text: the schema's own parsing
 * (Apollo Server, then the subgraph) has the last word on them.
 */
export function coerceText(plan: VariablePlan, raw: string | readonly string[]): Coerced {
  const where = plan.source === 'path' ? 'path' : 'query';
  const fail = (expected: string): Coerced => ({ ok: false, problem: { parameter: plan.name, in: where, expected } });
  const type = isNonNullType(plan.type) ? plan.type.ofType : plan.type;
  if (isListType(type)) {
    const items = typeof raw === 'string' ? [raw] : raw;
    const out: unknown[] = [];
    for (const item of items) {
      const one = coerceScalarText(type.ofType, item);
      if (one === undefined) return fail(`a list of ${describe(type.ofType)}`);
      out.push(one);
    }
    return { ok: true, value: out };
  }
  if (typeof raw !== 'string') return fail(`one ${describe(type)} (the parameter was given more than once)`);
  const value = coerceScalarText(type, raw);
  return value === undefined ? fail(describe(type)) : { ok: true, value };
}

function coerceScalarText(type: GraphQLInputType, raw: string): unknown {
  const named = getNamedType(type);
  if (isEnumType(named)) return named.getValue(raw) ? raw : undefined;
  switch (named.name) {
    case GraphQLInt.name: {
      if (!INT_PATTERN.test(raw)) return undefined;
      const n = Number(raw);
      return n >= INT_MIN && n <= INT_MAX ? n : undefined;
    }
    case GraphQLFloat.name: {
      const n = raw.trim() === '' ? NaN : Number(raw);
      return Number.isFinite(n) ? n : undefined;
    }
    case GraphQLBoolean.name:
      return raw === 'true' ? true : raw === 'false' ? false : undefined;
    case GraphQLID.name:
    case GraphQLString.name:
    default:
      return raw;
  }
}

/**
 * A JSON body value checked against its input type with graphql-js's own coercion, so the 400
 * names the exact member (`input.items[0].quantity`). The original value is what is sent on:
 * the check only decides whether it is acceptable.
 */
export function checkJson(plan: VariablePlan, value: unknown): Coerced {
  let problem: ParameterProblem | undefined;
  coerceInputValue(value, plan.type, (path, _invalid, error) => {
    problem ??= { parameter: [plan.name, ...path].map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join(''), in: 'body', expected: expectedOf(error.message) };
  });
  return problem ? { ok: false, problem } : { ok: true, value };
}

/** graphql-js says what it expected in its message ("Int cannot represent …", "Expected type \"X\"…"); that part is schema, not input. */
function expectedOf(message: string): string {
  const expectedType = /Expected type "([^"]+)"/.exec(message)?.[1];
  if (expectedType) return expectedType;
  const represent = /^(\w+) cannot represent/.exec(message)?.[1];
  if (represent) return represent;
  if (message.includes('of required type')) return 'a value (required)';
  if (message.includes('is not defined by type')) return 'no such field';
  return 'a valid value';
}

/** `ID!` → "ID", `[Int!]` → "a list of Int", enums list their values. */
export function describe(type: GraphQLInputType): string {
  if (isNonNullType(type)) return describe(type.ofType);
  if (isListType(type)) return `a list of ${describe(type.ofType)}`;
  if (isEnumType(type)) return `one of ${type.getValues().map((v) => v.name).join(', ')}`;
  return type.name;
}
