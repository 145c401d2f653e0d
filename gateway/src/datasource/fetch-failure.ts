import type { ErrorCode } from '../errors';

export type FetchFailure =
  | { kind: 'timeout'; detail: string }
  | { kind: 'unavailable'; detail: string }
  | { kind: 'rejected'; code: Extract<ErrorCode, 'UNAUTHENTICATED' | 'FORBIDDEN'>; detail: string }
  | { kind: 'unknown'; detail: string };

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  // opossum, while a subgraph's circuit is open (resilience/breakers.ts): failing fast.
  'EOPENBREAKER',
  // routing/replica-set.ts, while every replica of a subgraph is taken out: failing fast.
  'ENOREPLICA',
]);

/**
 * Pure: what went wrong with one subgraph call, from the error undici or RemoteGraphQLDataSource
 * threw. `detail` is for the log only (it may contain internal addresses).
 */
export function classifyFetchFailure(err: unknown): FetchFailure {
  const e = (err ?? {}) as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown; extensions?: unknown };
  const detail = typeof e.message === 'string' ? e.message : String(err);
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (e.name === 'TimeoutError' || (code !== undefined && TIMEOUT_CODES.has(code))) return { kind: 'timeout', detail };
  if (code !== undefined && UNAVAILABLE_CODES.has(code)) return { kind: 'unavailable', detail };
  const status = httpStatusOf(e.extensions);
  if (status === 401) return { kind: 'rejected', code: 'UNAUTHENTICATED', detail };
  if (status === 403) return { kind: 'rejected', code: 'FORBIDDEN', detail };
  if (status !== undefined && (status >= 500 || status === 429 || status === 404)) return { kind: 'unavailable', detail };
  if (e.cause !== undefined && e.cause !== err) {
    const inner = classifyFetchFailure(e.cause);
    if (inner.kind !== 'unknown') return { ...inner, detail };
  }
  return { kind: 'unknown', detail };
}

function httpStatusOf(extensions: unknown): number | undefined {
  const status = (extensions as { response?: { status?: unknown } } | undefined)?.response?.status;
  return typeof status === 'number' ? status : undefined;
}
