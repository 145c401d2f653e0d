import { z } from 'zod';

/** The response-header variables, merged into config.ts's one EnvSchema. docs/configuration.md documents each; docs/resilience.md ("Response headers from subgraphs") how they behave. */
export const RESPONSE_HEADER_ENV = {
  /**
   * Subgraph response headers copied to the client (comma-separated): `name` from every subgraph,
   * `subgraph:name` from that subgraph only, e.g. `users:set-cookie,x-served-by`. Nothing is copied unless listed.
   * @default unset (nothing copied)
   */
  SUBGRAPH_RESPONSE_HEADERS: z.string().optional(),
  /** When several subgraph responses carry a listed header: `first` (first to arrive wins), `last`, or `append` (comma-joined). `set-cookie` always appends. @default first */
  SUBGRAPH_RESPONSE_HEADER_CONFLICT: z.enum(['first', 'last', 'append']).default('first'),
};

const ResponseHeaderEnvSchema = z.object(RESPONSE_HEADER_ENV);
type ResponseHeaderEnv = z.output<typeof ResponseHeaderEnvSchema>;

export type HeaderConflictRule = ResponseHeaderEnv['SUBGRAPH_RESPONSE_HEADER_CONFLICT'];

export interface ResponseHeaderConfig {
  /** Lower-case header names copied from every subgraph. */
  fromEverySubgraph: readonly string[];
  /** Subgraph name (lower case) → lower-case header names copied from it only. */
  bySubgraph: Readonly<Record<string, readonly string[]>>;
  conflict: HeaderConflictRule;
}

/**
 * Never copied, whatever the list says: hop-by-hop and framing headers describe the subgraph's
 * connection and body, not the gateway's; the rest the gateway sets itself (request id, caching,
 * CORS, security headers), and a subgraph must not be able to override them.
 */
const REFUSED_HEADER = /^(connection|keep-alive|proxy-.*|te|trailer|transfer-encoding|upgrade|content-length|content-encoding|content-type|content-range|host|date|x-request-id|cache-control|age|expires|etag|last-modified|vary|warning|retry-after|access-control-.*|strict-transport-security|content-security-policy|www-authenticate|x-ratelimit-.*|ratelimit.*)$/;
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;

/** `false` when no header is listed: the data source then never looks at response headers. */
export function toResponseHeaderConfig(e: ResponseHeaderEnv, problems: string[]): false | ResponseHeaderConfig {
  const entries = (e.SUBGRAPH_RESPONSE_HEADERS ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (entries.length === 0) return false;
  const fromEverySubgraph: string[] = [];
  const bySubgraph: Record<string, string[]> = {};
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    const subgraph = colon === -1 ? undefined : entry.slice(0, colon);
    const name = colon === -1 ? entry : entry.slice(colon + 1);
    if (!HEADER_NAME.test(name) || subgraph === '') problems.push(`SUBGRAPH_RESPONSE_HEADERS: ${JSON.stringify(entry)} is not a header name or subgraph:header-name`);
    else if (REFUSED_HEADER.test(name)) problems.push(`SUBGRAPH_RESPONSE_HEADERS: ${name} cannot be copied from subgraphs (hop-by-hop, framing, or set by the gateway itself)`);
    else if (subgraph === undefined) fromEverySubgraph.push(name);
    else (bySubgraph[subgraph] ??= []).push(name);
  }
  return { fromEverySubgraph, bySubgraph, conflict: e.SUBGRAPH_RESPONSE_HEADER_CONFLICT };
}

/** The header names copied from `subgraph`'s responses; empty when none. */
export function responseHeaderNamesFor(config: false | ResponseHeaderConfig, subgraph: string): readonly string[] {
  if (!config) return [];
  return [...new Set([...config.fromEverySubgraph, ...(config.bySubgraph[subgraph.toLowerCase()] ?? [])])];
}
