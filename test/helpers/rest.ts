import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { operationId, type ManifestOperation } from '../../gateway/src/cache/manifest';

const REPO = path.resolve(__dirname, '..', '..');

/** The route table `npm start` ships (gateway/dev-config.yaml). */
export const DEV_CONFIG_FILE = path.join(REPO, 'gateway', 'dev-config.yaml');

/**
 * A manifest with the committed operations plus `extra` (test-only operations), written to a
 * temporary file: REST_OPERATIONS_MANIFEST points at it.
 */
export function manifestWith(extra: Record<string, string>): string {
  const committed = JSON.parse(readFileSync(path.join(REPO, 'gateway', 'operations', 'persisted-query-manifest.json'), 'utf8')) as { operations: ManifestOperation[] };
  const operations = [
    ...committed.operations,
    ...Object.entries(extra).map(([name, body]) => ({ id: operationId(body), name, type: body.trimStart().startsWith('mutation') ? 'mutation' : 'query', body })),
  ];
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'frontdoor-rest-')), 'manifest.json');
  writeFileSync(file, JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations }));
  return file;
}

export interface RestResult {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body (undefined when empty or not JSON). */
  json: unknown;
}

/** One HTTP call to a gateway path (the gateway URL ends in /graphql). */
export async function call(gatewayUrl: string, pathAndQuery: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<RestResult> {
  const url = new URL(pathAndQuery, gatewayUrl).toString();
  const hasBody = init.body !== undefined;
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...init.headers },
    ...(hasBody ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** The first error's extensions of an error body. */
export function firstError(json: unknown): Record<string, unknown> | undefined {
  return (json as { errors?: Array<{ extensions?: Record<string, unknown> }> } | undefined)?.errors?.[0]?.extensions;
}
