import { Lexer, Source, TokenKind } from 'graphql';
import type { ErrorCode } from '../errors';
import type { LimitsConfig } from './limits-config';
import { subscriptionRootDirectiveError } from '../subscriptions/root-field-rule';

/**
 * Pure: counts the lexical tokens of a GraphQL document the way graphql-js's `parse({ maxTokens })`
 * does (comments excluded), and stops at `stopAfter + 1`, so a huge document costs no more than a
 * small one. A lexical error ends the count: the parser reports it properly later.
 */
export function countTokens(query: string, stopAfter: number): number {
  const lexer = new Lexer(new Source(query));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      count += 1;
      if (count > stopAfter) return count;
    }
  } catch {
    // Syntax error: GRAPHQL_PARSE_FAILED comes from Apollo Server with its location.
  }
  return count;
}

export interface RequestCheckOptions {
  maxTokens: number;
  /** `false`: a JSON array body is refused. */
  batching: false | { maxBatchSize: number };
}

export interface RequestRejection {
  code: Extract<ErrorCode, 'BATCHING_DISABLED' | 'BATCH_LIMIT_EXCEEDED' | 'TOKEN_LIMIT_EXCEEDED' | 'GRAPHQL_VALIDATION_FAILED'>;
  extensions: Record<string, unknown>;
  /** Instead of the table's message, when the code alone does not say what is wrong. */
  message?: string;
}

/**
 * Pure: the checks that must happen before Apollo Server parses and validates anything, because
 * parsing and validating are the work an attacker wants us to do (huge documents, alias and
 * directive floods whose validation is quadratic, batches of thousands), and the one validation
 * rule graphql-js 16 gets wrong by throwing (subscriptions/root-field-rule.ts). `body` is the parsed
 * JSON body (undefined for GET) or a WebSocket `subscribe` payload, `search` the URL query string.
 */
export function checkGraphQLRequest(body: unknown, search: string, opts: RequestCheckOptions): RequestRejection | null {
  const entries = Array.isArray(body) ? body : [body];
  if (Array.isArray(body)) {
    if (!opts.batching) return { code: 'BATCHING_DISABLED', extensions: {} };
    if (body.length > opts.batching.maxBatchSize) {
      return { code: 'BATCH_LIMIT_EXCEEDED', extensions: { batchSize: { actual: body.length, max: opts.batching.maxBatchSize } } };
    }
  }
  for (const entry of entries) {
    const query = queryOf(entry) ?? (body === undefined ? new URLSearchParams(search).get('query') : null);
    if (query === null) continue;
    if (countTokens(query, opts.maxTokens) > opts.maxTokens) {
      return { code: 'TOKEN_LIMIT_EXCEEDED', extensions: { tokens: { max: opts.maxTokens } } };
    }
    const invalid = subscriptionRootDirectiveError(query, opts.maxTokens);
    if (invalid !== undefined) return { code: 'GRAPHQL_VALIDATION_FAILED', extensions: {}, message: invalid };
  }
  return null;
}

function queryOf(entry: unknown): string | null {
  if (typeof entry !== 'object' || entry === null) return null;
  const query = (entry as { query?: unknown }).query;
  return typeof query === 'string' ? query : null;
}

/** checkGraphQLRequest with the gateway's limits, as both doors call it (HTTP: http-router.ts; WebSocket: each `subscribe`). */
export function graphQLRequestChecks(limits: Pick<LimitsConfig, 'operation' | 'batching'>): (body: unknown, search: string) => RequestRejection | null {
  const opts: RequestCheckOptions = { maxTokens: limits.operation.maxTokens, batching: limits.batching };
  return (body, search) => checkGraphQLRequest(body, search, opts);
}
