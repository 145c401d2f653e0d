// Turns each configured subgraph into SDL text: read a file, introspect a running subgraph,
// or take inline SDL. Every failure is collected and reported together, one line per subgraph.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SubgraphConfig } from './supergraph-config';

export interface LoadedSubgraph {
  name: string;
  routingUrl: string;
  sdl: string;
  /** Where the SDL came from, for messages: a path relative to `displayRoot`, a URL, or "<name>: inline sdl". */
  origin: string;
}

export interface SubgraphLoadFailure {
  subgraph: string;
  origin: string;
  message: string;
}

export class SubgraphLoadError extends Error {
  constructor(readonly failures: readonly SubgraphLoadFailure[]) {
    super(failures.map((f) => `subgraph ${f.subgraph}: ${f.message}`).join('\n'));
    this.name = 'SubgraphLoadError';
  }
}

export interface LoadSubgraphsOptions {
  /** Budget for each introspection request, in ms. @default 10000 */
  introspectionTimeoutMs?: number;
  /** File origins are shown relative to this directory. @default process.cwd() */
  displayRoot?: string;
}

/** The query Rover sends to a `schema.subgraph_url`: federated introspection, which keeps directives. */
export const SERVICE_SDL_QUERY = '{ _service { sdl } }';

/** Loads every subgraph in config order; throws one SubgraphLoadError listing every failure. */
export async function loadSubgraphs(
  subgraphs: readonly SubgraphConfig[],
  opts: LoadSubgraphsOptions = {},
): Promise<LoadedSubgraph[]> {
  const timeoutMs = opts.introspectionTimeoutMs ?? 10_000;
  const displayRoot = opts.displayRoot ?? process.cwd();
  const settled = await Promise.all(
    subgraphs.map(async (subgraph): Promise<LoadedSubgraph | SubgraphLoadFailure> => {
      const { schema } = subgraph;
      const origin =
        schema.kind === 'file'
          ? displayPath(schema.path, displayRoot)
          : schema.kind === 'introspect'
            ? schema.url
            : `${subgraph.name}: inline sdl`;
      const base = { name: subgraph.name, routingUrl: subgraph.routingUrl, origin };
      switch (schema.kind) {
        case 'sdl':
          return { ...base, sdl: schema.sdl };
        case 'file': {
          const sdl = await readSchemaFile(schema.path, origin);
          return typeof sdl === 'string' ? { ...base, sdl } : { subgraph: subgraph.name, origin, message: sdl.message };
        }
        case 'introspect': {
          const result = await introspectSubgraph(schema.url, { headers: schema.headers, timeoutMs });
          return result.ok ? { ...base, sdl: result.sdl } : { subgraph: subgraph.name, origin, message: result.message };
        }
      }
    }),
  );
  const failures = settled.filter((s): s is SubgraphLoadFailure => 'message' in s);
  if (failures.length > 0) throw new SubgraphLoadError(failures);
  return settled as LoadedSubgraph[];
}

async function readSchemaFile(file: string, origin: string): Promise<string | { message: string }> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { message: `schema file ${origin} does not exist` };
    if (code === 'EISDIR') return { message: `schema file ${origin} is a directory` };
    return { message: `cannot read schema file ${origin}: ${(error as Error).message}` };
  }
}

export type IntrospectionResult = { ok: true; sdl: string } | { ok: false; message: string };

/** Fetches a running subgraph's SDL with `{ _service { sdl } }`. Never throws. */
export async function introspectSubgraph(
  url: string,
  opts: { headers?: Readonly<Record<string, string>>; timeoutMs?: number } = {},
): Promise<IntrospectionResult> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const fail = (why: string): IntrospectionResult => ({ ok: false, message: `could not introspect ${url}: ${why}` });
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      // Caller headers first, then ours: a configured header must not turn the body into something else.
      headers: { ...opts.headers, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: SERVICE_SDL_QUERY }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return fail(describeFetchError(error, timeoutMs));
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return fail(`HTTP ${response.status}, and the response is not JSON`);
  }
  const errors = (body as { errors?: { message?: unknown }[] } | null)?.errors;
  if (Array.isArray(errors) && errors.length > 0) {
    return fail(`the subgraph answered with errors: ${errors.map((e) => String(e?.message)).join('; ')}`);
  }
  if (!response.ok) return fail(`HTTP ${response.status}`);
  const sdl = (body as { data?: { _service?: { sdl?: unknown } } } | null)?.data?._service?.sdl;
  if (typeof sdl !== 'string') return fail('the response has no data._service.sdl (is it a federated subgraph?)');
  return { ok: true, sdl };
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no response within ${timeoutMs} ms`;
  // undici reports "fetch failed" and keeps the useful part (ECONNREFUSED, ENOTFOUND, ...) in `cause`.
  return err.cause?.message ?? err.cause?.code ?? err.message;
}

/** `path` relative to `root` when it is inside it (what a developer types), else absolute. */
export function displayPath(file: string, root: string): string {
  const relative = path.relative(root, file);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}
