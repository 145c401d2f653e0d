import type { GraphQLFormattedError } from 'graphql';
import { errorBody, httpStatus, isErrorCode } from '../errors';

/** What a route answers: status, JSON body and the error codes it carries (for the log and metrics). */
export interface RestAnswer {
  status: number;
  body: string;
  errorCodes: string[];
  /** Headers of this answer on top of the ones Apollo Server set (e.g. `www-authenticate` on a mapped 401). */
  headers: Record<string, string>;
}

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: GraphQLFormattedError[];
}

/**
 * Field-level codes (no HTTP status of their own, STYLE.md "Errors") and what they mean when they
 * leave the route with nothing to answer.
 */
const STATUS_OF_FIELD_CODE: Readonly<Record<string, number>> = {
  SUBGRAPH_UNAVAILABLE: 503,
  SUBGRAPH_TIMEOUT: 503,
  DOWNSTREAM_SERVICE_ERROR: 502,
};

/** Every status a route can answer an error with, and the codes behind it (the OpenAPI document lists them). */
export function statusOfCode(code: string, anonymous: boolean): number {
  // Filter mode nulls a field the caller may not see: who they are decides which status says so.
  if (code === 'UNAUTHORIZED_FIELD_OR_TYPE') return anonymous ? 401 : 403;
  const field = STATUS_OF_FIELD_CODE[code];
  if (field !== undefined) return field;
  const status = isErrorCode(code) ? httpStatus(code) : undefined;
  return status !== undefined && status >= 400 ? status : 500;
}

/**
 * Turns a GraphQL response for a route into the route's answer (docs/rest.md, "Statuses"):
 *  - a refusal (Apollo's status ≥ 400) keeps its status and `{ errors }` body;
 *  - the picked object → 200 with that object; with errors elsewhere (a partial result) they
 *    sit beside its fields as `errors`;
 *  - a null pick → the status of the first error on its path (401, 403, 429, 503, …), or 404
 *    NOT_FOUND when nothing failed: there simply is no such thing.
 */
export function answerFrom(status: number, text: string, pick: readonly string[], anonymous: boolean, nullsPick: (below: ReadonlyArray<string | number>) => boolean): RestAnswer {
  let body: GraphQLBody;
  try {
    body = JSON.parse(text) as GraphQLBody;
  } catch {
    return { status: 500, body: errorBody('INTERNAL_SERVER_ERROR'), errorCodes: ['INTERNAL_SERVER_ERROR'], headers: {} };
  }
  const errors = body.errors ?? [];
  const errorCodes = codesOf(errors);
  if (status >= 400) return { status, body: JSON.stringify({ errors }), errorCodes, headers: {} };
  const picked = pickFrom(body.data, pick);
  if (picked !== null) {
    return { status: 200, body: JSON.stringify(errors.length > 0 ? { ...picked, errors } : picked), errorCodes, headers: {} };
  }
  const onPath = errors.filter((e) => explains(e.path, pick, nullsPick));
  const first = onPath[0];
  if (!first) return { status: 404, body: errorBody('NOT_FOUND'), errorCodes: ['NOT_FOUND'], headers: {} };
  const code = typeof first.extensions?.code === 'string' ? first.extensions.code : 'INTERNAL_SERVER_ERROR';
  const mapped = statusOfCode(code, anonymous);
  return {
    status: mapped,
    body: JSON.stringify({ errors: onPath }),
    errorCodes: codesOf(onPath),
    headers: mapped === 401 ? { 'www-authenticate': 'Bearer' } : {},
  };
}

function pickFrom(data: GraphQLBody['data'], pick: readonly string[]): Record<string, unknown> | null {
  let value: unknown = data ?? null;
  for (const key of pick) {
    if (value === null || typeof value !== 'object') return null;
    value = (value as Record<string, unknown>)[key] ?? null;
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/**
 * An error explains a null pick when it has no path, sits at the pick or above it, or sits below it
 * where null propagation reaches the pick (null-cause.ts).
 */
function explains(path: GraphQLFormattedError['path'], pick: readonly string[], nullsPick: (below: ReadonlyArray<string | number>) => boolean): boolean {
  if (!path) return true;
  const n = Math.min(path.length, pick.length);
  for (let i = 0; i < n; i += 1) if (path[i] !== pick[i]) return false;
  return path.length <= pick.length || nullsPick(path.slice(pick.length));
}

function codesOf(errors: readonly GraphQLFormattedError[]): string[] {
  const out = new Set<string>();
  for (const e of errors) if (typeof e.extensions?.code === 'string') out.add(e.extensions.code);
  return [...out];
}
