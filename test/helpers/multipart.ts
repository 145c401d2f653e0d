import { meros } from 'meros/browser';

/** What Apollo Client 4 sends with its Defer20220824Handler (docs/defer.md). */
export const APOLLO_CLIENT_ACCEPT = 'multipart/mixed;deferSpec=20220824,application/graphql-response+json,application/json;q=0.9';
/** What urql sends: JSON first, a bare multipart last. */
export const URQL_ACCEPT = 'application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed';

export interface GraphQLErrorBody {
  message: string;
  path?: Array<string | number>;
  extensions?: Record<string, unknown>;
}

export interface IncrementalItemBody {
  data: Record<string, unknown> | null;
  path: Array<string | number>;
  label?: string;
  errors?: GraphQLErrorBody[];
}

/** One part of a multipart response, or the whole body of a JSON one. */
export interface Payload {
  data?: Record<string, unknown> | null;
  errors?: GraphQLErrorBody[];
  incremental?: IncrementalItemBody[];
  hasNext?: boolean;
  extensions?: Record<string, unknown>;
}

export interface DeferResponse {
  status: number;
  headers: Headers;
  /** True when the answer was multipart/mixed. */
  streamed: boolean;
  /** The parts in arrival order (one for a JSON answer). */
  payloads: Payload[];
}

/** POSTs an operation and reads the answer with meros, a multipart parser independent of ours. */
export async function postDeferred(url: string, body: unknown, headers: Record<string, string> = {}, accept = APOLLO_CLIENT_ACCEPT): Promise<DeferResponse> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept, ...headers }, body: JSON.stringify(body) });
  const parts = await meros<Payload>(res);
  if (parts instanceof Response) return { status: res.status, headers: res.headers, streamed: false, payloads: [(await parts.json()) as Payload] };
  const payloads: Payload[] = [];
  for await (const part of parts) {
    if (!part.json) throw new Error(`a part that is not JSON: ${String(part.body).slice(0, 100)}`);
    payloads.push(part.body);
  }
  return { status: res.status, headers: res.headers, streamed: true, payloads };
}

/** The data and errors a client ends up with: every incremental item merged in at its path. */
export function merged(payloads: readonly Payload[]): { data: Record<string, unknown>; errors: GraphQLErrorBody[] } {
  const [first, ...rest] = payloads;
  const data = structuredClone(first?.data ?? {});
  const errors = [...(first?.errors ?? [])];
  for (const item of rest.flatMap((p) => p.incremental ?? [])) {
    errors.push(...(item.errors ?? []));
    if (!item.data) continue;
    let at: unknown = data;
    for (const key of item.path) at = (at as Record<string | number, unknown>)[key];
    mergeInto(at as Record<string, unknown>, item.data);
  }
  return { data, errors };
}

function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (isObject(existing) && isObject(value)) mergeInto(existing, value);
    else if (Array.isArray(existing) && Array.isArray(value) && existing.length === value.length) {
      value.forEach((v, i) => {
        const e: unknown = existing[i];
        if (isObject(e) && isObject(v)) mergeInto(e, v);
        else existing[i] = v;
      });
    } else target[key] = value;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The labels of the incremental items in arrival order (`(none)` for unlabelled ones). */
export function labelsInOrder(payloads: readonly Payload[]): string[] {
  return payloads.flatMap((p) => p.incremental ?? []).map((i) => i.label ?? '(none)');
}
