import type { ErrorCode } from '../errors';
import type { CompiledRoute } from './compiled-route';
import { checkJson, coerceText, type ParameterProblem } from './variables';

export type ReadVariables = { ok: true; value: Record<string, unknown> } | { ok: false; code: ErrorCode; extensions: Record<string, unknown> };

/**
 * A route's variables from the request: path parameters, query-string parameters and the JSON
 * body, each coerced to its variable's type. The first problem → 400 BAD_USER_INPUT naming the
 * parameter (`extensions.parameter`, `in`, `expected`). A query parameter or body member the
 * operation does not take is refused too: a misspelt `?frist=3` must not silently mean the default.
 */
export function readVariables(route: CompiledRoute, params: Record<string, string>, search: URLSearchParams, body: unknown): ReadVariables {
  const fail = (problem: ParameterProblem): ReadVariables => ({ ok: false, code: 'BAD_USER_INPUT', extensions: { ...problem } });
  for (const name of new Set(search.keys())) {
    if (!route.queryNames.has(name)) return fail({ parameter: name, in: 'query', expected: 'no such parameter' });
  }
  const members = bodyMembers(route, body);
  if (!members.ok) return fail(members.problem);
  const variables: Record<string, unknown> = {};
  for (const plan of route.variables) {
    let given: { ok: true; value: unknown } | { ok: false; problem: ParameterProblem } | undefined;
    if (plan.source === 'path') {
      given = coerceText(plan, params[plan.name] ?? '');
    } else if (plan.source === 'query') {
      const values = search.getAll(plan.name);
      if (values.length > 0) given = coerceText(plan, values.length === 1 ? values[0]! : values);
    } else {
      const value = plan.source === 'body' ? body : members.value[plan.name];
      if (value !== undefined) given = checkJson(plan, value);
    }
    if (given === undefined) {
      if (plan.required) return fail({ parameter: plan.name, in: plan.source === 'query' ? 'query' : 'body', expected: 'a value (required)' });
      continue;
    }
    if (!given.ok) return fail(given.problem);
    variables[plan.name] = given.value;
  }
  return { ok: true, value: variables };
}

type Members = { ok: true; value: Record<string, unknown> } | { ok: false; problem: ParameterProblem };

/** Without a `body` variable, the body's members are variables by name. */
function bodyMembers(route: CompiledRoute, body: unknown): Members {
  if (body === undefined || route.variables.every((v) => v.source !== 'body-member')) return { ok: true, value: {} };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, problem: { parameter: '(body)', in: 'body', expected: 'a JSON object' } };
  const value = body as Record<string, unknown>;
  for (const name of Object.keys(value)) {
    if (!route.variables.some((v) => v.source === 'body-member' && v.name === name)) return { ok: false, problem: { parameter: name, in: 'body', expected: 'no such parameter' } };
  }
  return { ok: true, value };
}
