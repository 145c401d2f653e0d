import { isErrorCode } from '../../gateway/src/errors';
import { parseRequestTarget } from '../../gateway/src/http/request-target';
import type { Observation, Probe } from './probe';
import { streamedResults } from './streamed-answers';

/**
 * What every answer must be, whatever was sent (issue #12): never a 5xx; a JSON body (one result,
 * or one per operation of a batch) whose every `errors[].extensions.code` is in the error table;
 * never INTERNAL_SERVER_ERROR, which means the gateway did not know what went wrong.
 * Streamed answers (SSE, multipart) are checked part by part (streamed-answers.ts).
 * Returns the problems found; empty means the answer is fine.
 */
export function problemsOf(probe: Probe, seen: Observation): string[] {
  const problems: string[] = [];
  if (seen.status < 100) problems.push('no HTTP status line');
  if (seen.status >= 500) problems.push(`status ${seen.status}`);
  const pathname = parseRequestTarget(probe.path)?.pathname;
  // Answers without a body to check: HEAD, a CORS preflight, the redirect of `/`, the HTML landing page.
  if (probe.method === 'HEAD' || seen.status === 204) return problems;
  if (seen.status === 302 && pathname === '/') return problems;
  if (seen.contentType.startsWith('text/html')) {
    if (!(probe.method === 'GET' && seen.status === 200)) problems.push(`HTML answer with status ${seen.status} to ${probe.method}`);
    return problems;
  }
  const streamed = streamedResults(seen);
  if (streamed) {
    // Any status ≥ 300 fails a streaming client's whole stream (PROTOCOLS.md): refusals are plain JSON.
    if (seen.status !== 200) problems.push(`streamed answer with status ${seen.status}`);
    problems.push(...streamed.problems);
    for (const result of streamed.results) problems.push(...resultProblems(result));
    return problems;
  }
  let body: unknown;
  try {
    body = JSON.parse(seen.body);
  } catch {
    problems.push(`body is not JSON: ${seen.body.slice(0, 200)}`);
    return problems;
  }
  if (pathname === '/health' || pathname === '/ready') return problems;
  const results = Array.isArray(body) ? body : [body];
  if (results.length === 0) problems.push('empty batch answer');
  for (const result of results) problems.push(...resultProblems(result));
  // A batch has one status for all its operations: some operation's error set it.
  const withErrors = results.filter((r: { errors?: unknown } | null) => r?.errors !== undefined).length;
  if (seen.status >= 400 && withErrors === 0) problems.push(`status ${seen.status} without errors`);
  return problems;
}

/** What is wrong with one GraphQL result (a JSON body, a streamed part, a WebSocket `next` payload). */
export function resultProblems(result: unknown): string[] {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) return [`result is not an object: ${JSON.stringify(result)?.slice(0, 200)}`];
  const { data, errors } = result as { data?: unknown; errors?: unknown };
  if (errors === undefined) return data === undefined ? ['neither data nor errors'] : [];
  return errorListProblems(errors);
}

/** What is wrong with a list of GraphQL errors (a result's `errors`, a WebSocket `error` payload): each must carry a code of the table, never INTERNAL_SERVER_ERROR. */
export function errorListProblems(errors: unknown): string[] {
  if (!Array.isArray(errors) || errors.length === 0) return [`errors is not a non-empty array: ${JSON.stringify(errors)?.slice(0, 200)}`];
  const problems: string[] = [];
  for (const error of errors as Array<{ message?: unknown; extensions?: { code?: unknown } }>) {
    const code = error?.extensions?.code;
    if (!isErrorCode(code)) problems.push(`code ${JSON.stringify(code)} is not in the error table (message: ${String(error?.message).slice(0, 200)})`);
    else if (code === 'INTERNAL_SERVER_ERROR') problems.push('INTERNAL_SERVER_ERROR');
    if (typeof error?.message !== 'string') problems.push('error without a message');
  }
  return problems;
}
