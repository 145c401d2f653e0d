import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { SubgraphTlsConfig } from './edge-config';

/** The TLS part of undici's `connect` options for subgraph calls. */
export interface SubgraphConnectTls {
  ca?: string[];
  cert?: string;
  key?: string;
}

/**
 * Reads the subgraph CA and client certificate once, at start. The custom CA is added to Node's
 * built-in roots rather than replacing them (undici's `ca` replaces), so subgraphs on public
 * certificates keep working next to internal ones. Certificate checks stay on: there is no
 * option to turn them off.
 */
export function subgraphConnectTls(config: false | SubgraphTlsConfig): SubgraphConnectTls {
  if (!config) return {};
  return {
    ...(config.caFile ? { ca: [...rootCertificates, readFileSync(config.caFile, 'utf8')] } : {}),
    ...(config.clientCertFile && config.clientKeyFile
      ? { cert: readFileSync(config.clientCertFile, 'utf8'), key: readFileSync(config.clientKeyFile, 'utf8') }
      : {}),
  };
}
