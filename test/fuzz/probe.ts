/**
 * What the fuzz sends and what it saw. One kind today (an HTTP request); the subscription work
 * adds WebSocket and SSE probes to the union, with their own arbitraries module and sender, and
 * the same checks on every message they get back (invariants.ts).
 */
export interface HttpProbe {
  kind: 'http';
  method: string;
  /** Path and query string, e.g. `/graphql?query=…`. */
  path: string;
  /** Lower-case names; values are what an HTTP client can put on the wire. */
  headers: Record<string, string>;
  body?: string;
}

/**
 * Bytes on a TCP connection: request lines, header syntax and framing an HTTP client library
 * would refuse to produce. `method` and `path` repeat what the request line says, for the checks.
 */
export interface RawHttpProbe {
  kind: 'raw';
  method: string;
  path: string;
  /** Everything sent, as latin1 text. */
  bytes: string;
  /** False when the request is cut short on purpose (a body shorter than its length): no answer is then fine. */
  complete: boolean;
}

export type Probe = HttpProbe | RawHttpProbe;

/** One answer the gateway gave (an HTTP response; later also one WebSocket or SSE message). */
export interface Observation {
  status: number;
  contentType: string;
  /** The response body as text ('' for HEAD and 204). */
  body: string;
  /** A stream (SSE, multipart) still open when the probe stopped reading it: its end is not checked. */
  cutShort?: boolean;
}

/** A short description of a probe for failure reports: bodies can be megabytes. */
export function describeProbe(probe: Probe): string {
  const clip = (s: string) => (s.length > 600 ? `${s.slice(0, 600)}… (${s.length} chars)` : s);
  if (probe.kind === 'raw') return JSON.stringify({ raw: clip(probe.bytes), complete: probe.complete });
  const headers = Object.fromEntries(Object.entries(probe.headers).map(([name, value]) => [name, clip(value)]));
  return JSON.stringify({ method: probe.method, path: clip(probe.path), headers, body: probe.body === undefined ? undefined : clip(probe.body) });
}
