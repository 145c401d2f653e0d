import { z } from 'zod';
import { headerList, int } from '../env-values';

/** Header names a subgraph trusts for identity: never copied from a client, whatever the allowlist says. */
export const RESERVED_HEADER_PATTERN = /^(x-user-|x-frontdoor-|x-gateway-|authorization$|cookie$|host$|content-length$|connection$|x-request-id$|idempotency-key$)/;

/**
 * How the gateway calls subgraphs, merged into config.ts's one schema. docs/configuration.md documents
 * each. `SUBGRAPH_URL_<NAME>` is open-ended and read by routing/replica-config.ts.
 */
export const SUBGRAPH_ENV = {
  /** Time limit for one subgraph call, in milliseconds. @default 5000 */
  SUBGRAPH_TIMEOUT_MS: int(1, 600_000).default(5000),
  /** Keep-alive connections per subgraph origin. @default 64 */
  SUBGRAPH_MAX_CONNECTIONS: int(1, 10_000).default(64),
  /** Client request headers copied to every subgraph call (comma-separated). Identity headers can never be listed. W3C trace context passes through unchanged while tracing export is off. @default accept-language,traceparent,tracestate */
  FORWARD_HEADERS: headerList.default(['accept-language', 'traceparent', 'tracestate']),
};

const SubgraphEnvSchema = z.object(SUBGRAPH_ENV);
type SubgraphEnv = z.output<typeof SubgraphEnvSchema>;

export interface SubgraphsConfig {
  timeoutMs: number;
  maxConnections: number;
  forwardHeaders: readonly string[];
  /** Subgraph name (lower case) → URL, overriding the supergraph's routing URL. */
  urlOverrides: Readonly<Record<string, string>>;
}

export function toSubgraphsConfig(e: SubgraphEnv, urlOverrides: Record<string, string>, problems: string[]): SubgraphsConfig {
  const reserved = e.FORWARD_HEADERS.filter((h) => RESERVED_HEADER_PATTERN.test(h));
  if (reserved.length > 0) {
    problems.push(`FORWARD_HEADERS: ${reserved.join(', ')} cannot be forwarded from clients (identity and hop-by-hop headers are set by the gateway)`);
  }
  return { timeoutMs: e.SUBGRAPH_TIMEOUT_MS, maxConnections: e.SUBGRAPH_MAX_CONNECTIONS, forwardHeaders: e.FORWARD_HEADERS, urlOverrides };
}
