import { z } from 'zod';
import { bool, csvList as list, filePath as file, int } from '../env-values';
import { compileOrigins, type OriginRule } from './origin-patterns';
import { readPemFiles, unreadableFiles } from './tls-files';

/** Where browsers may call from when CORS_ORIGINS is unset outside production: Apollo Sandbox (hosted) and local apps. */
export const DEV_CORS_ORIGINS: readonly string[] = ['https://studio.apollographql.com', 'http://localhost:*', 'http://127.0.0.1:*', 'https://localhost:*'];

/** The edge variables (TLS, CORS, security headers, TLS to subgraphs), merged into config.ts's one schema. docs/configuration.md documents each. */
export const EDGE_ENV = {
  /** PEM certificate the gateway serves HTTPS with (needs TLS_KEY_FILE). Unset: plain HTTP. @default unset */
  TLS_CERT_FILE: file.optional(),
  /** PEM private key of TLS_CERT_FILE. @default unset */
  TLS_KEY_FILE: file.optional(),
  /** PEM intermediate certificates sent after TLS_CERT_FILE (the chain up to, not including, the root). @default unset */
  TLS_CA_CHAIN_FILE: file.optional(),
  /** Oldest TLS version accepted. @default TLSv1.2 */
  TLS_MIN_VERSION: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2'),
  /** Re-read the certificate files when they change (rotation without restart). @default true */
  TLS_WATCH: bool.default(true),
  /** Quiet time after the last file change before the certificate is reloaded, in ms (cert and key are often written one after the other). @default 250 */
  TLS_RELOAD_DEBOUNCE_MS: int(0, 60_000).default(250),
  /** `Strict-Transport-Security` max-age with TLS on, in seconds; 0 sends no HSTS header. @default 15552000 (180 days) */
  HSTS_MAX_AGE_S: int(0, 2 * 365 * 86_400).default(180 * 86_400),
  /** Add `includeSubDomains` to HSTS. @default false */
  HSTS_INCLUDE_SUBDOMAINS: bool.default(false),
  /** Browser origins allowed to call the gateway (comma-separated; exact, `https://*.example.com`, `http://localhost:*`, `*`, or `none`). @default Sandbox + localhost in development, none in production */
  CORS_ORIGINS: list.optional(),
  /** Let browsers send cookies / HTTP auth cross-origin (`Access-Control-Allow-Credentials`); refused together with `*`. @default false */
  CORS_ALLOW_CREDENTIALS: bool.default(false),
  /** Request headers a cross-origin caller may send (comma-separated). @default content-type,authorization,apollo-require-preflight,x-apollo-operation-name,apollographql-client-name,apollographql-client-version,x-request-id,traceparent,tracestate */
  CORS_ALLOWED_HEADERS: list.default(['content-type', 'authorization', 'apollo-require-preflight', 'x-apollo-operation-name', 'apollographql-client-name', 'apollographql-client-version', 'x-request-id', 'traceparent', 'tracestate']),
  /** Response headers a cross-origin caller may read (comma-separated). @default x-request-id,retry-after */
  CORS_EXPOSED_HEADERS: list.default(['x-request-id', 'retry-after']),
  /** How long a browser may cache a preflight answer, in seconds. @default 600 */
  CORS_MAX_AGE_S: int(0, 86_400).default(600),
  /** Extra PEM CA certificates trusted for HTTPS subgraph URLs (added to Node's built-in roots). @default unset */
  SUBGRAPH_CA_FILE: file.optional(),
  /** PEM client certificate presented to HTTPS subgraphs (mTLS; needs SUBGRAPH_CLIENT_KEY_FILE). @default unset */
  SUBGRAPH_CLIENT_CERT_FILE: file.optional(),
  /** PEM private key of SUBGRAPH_CLIENT_CERT_FILE. @default unset */
  SUBGRAPH_CLIENT_KEY_FILE: file.optional(),
};

const EdgeEnvSchema = z.object(EDGE_ENV);
type EdgeEnv = z.output<typeof EdgeEnvSchema>;

export interface TlsConfig {
  certFile: string;
  keyFile: string;
  chainFile: string | undefined;
  minVersion: 'TLSv1.2' | 'TLSv1.3';
  /** `false`: the files are read once at start. */
  watch: false | { debounceMs: number };
}

export interface CorsConfig {
  origins: readonly OriginRule[];
  credentials: boolean;
  allowedHeaders: readonly string[];
  exposedHeaders: readonly string[];
  maxAgeS: number;
}

export interface SubgraphTlsConfig {
  caFile: string | undefined;
  clientCertFile: string | undefined;
  clientKeyFile: string | undefined;
}

export interface EdgeConfig {
  /** `false`: plain HTTP (the local-development default). */
  tls: false | TlsConfig;
  /** `false` when TLS is off or HSTS_MAX_AGE_S=0. */
  hsts: false | { maxAgeS: number; includeSubDomains: boolean };
  /** `false`: no origin is allowed, no CORS header is ever sent. */
  cors: false | CorsConfig;
  /** `false`: subgraph HTTPS uses Node's roots and no client certificate. */
  subgraphTls: false | SubgraphTlsConfig;
}

/** Builds the edge section; unreadable or mismatched files and unsafe CORS settings go to `problems`. */
export function toEdgeConfig(e: EdgeEnv, production: boolean, problems: string[]): EdgeConfig {
  const tls = toTlsConfig(e, problems);
  return {
    tls,
    hsts: tls && e.HSTS_MAX_AGE_S > 0 ? { maxAgeS: e.HSTS_MAX_AGE_S, includeSubDomains: e.HSTS_INCLUDE_SUBDOMAINS } : false,
    cors: toCorsConfig(e, production, problems),
    subgraphTls: toSubgraphTlsConfig(e, problems),
  };
}

function toTlsConfig(e: EdgeEnv, problems: string[]): EdgeConfig['tls'] {
  if (!e.TLS_CERT_FILE && !e.TLS_KEY_FILE) {
    if (e.TLS_CA_CHAIN_FILE) problems.push('TLS_CA_CHAIN_FILE: needs TLS_CERT_FILE and TLS_KEY_FILE');
    return false;
  }
  if (!e.TLS_CERT_FILE || !e.TLS_KEY_FILE) {
    problems.push(`${e.TLS_CERT_FILE ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE'}: TLS needs both TLS_CERT_FILE and TLS_KEY_FILE`);
    return false;
  }
  const config: TlsConfig = {
    certFile: e.TLS_CERT_FILE,
    keyFile: e.TLS_KEY_FILE,
    chainFile: e.TLS_CA_CHAIN_FILE,
    minVersion: e.TLS_MIN_VERSION,
    watch: e.TLS_WATCH ? { debounceMs: e.TLS_RELOAD_DEBOUNCE_MS } : false,
  };
  // Fail at start-up, with the other problems, rather than on the first handshake.
  const loaded = readPemFiles(config);
  if (!loaded.ok) problems.push(`TLS_CERT_FILE: ${loaded.problem}`);
  return config;
}

function toCorsConfig(e: EdgeEnv, production: boolean, problems: string[]): EdgeConfig['cors'] {
  const declared = e.CORS_ORIGINS ?? (production ? [] : DEV_CORS_ORIGINS);
  const origins = declared.length === 1 && declared[0] === 'none' ? [] : declared;
  if (origins.length === 0) return false;
  const compiled = compileOrigins(origins);
  for (const problem of compiled.problems) problems.push(`CORS_ORIGINS: ${problem}`);
  // With credentials, `*` would let any site act as the signed-in user: refuse it outright.
  if (e.CORS_ALLOW_CREDENTIALS && origins.includes('*')) {
    problems.push('CORS_ORIGINS: `*` cannot be combined with CORS_ALLOW_CREDENTIALS=true; list the allowed origins');
  }
  return {
    origins: compiled.rules,
    credentials: e.CORS_ALLOW_CREDENTIALS,
    allowedHeaders: e.CORS_ALLOWED_HEADERS.map((h) => h.toLowerCase()),
    exposedHeaders: e.CORS_EXPOSED_HEADERS.map((h) => h.toLowerCase()),
    maxAgeS: e.CORS_MAX_AGE_S,
  };
}

function toSubgraphTlsConfig(e: EdgeEnv, problems: string[]): EdgeConfig['subgraphTls'] {
  if (Boolean(e.SUBGRAPH_CLIENT_CERT_FILE) !== Boolean(e.SUBGRAPH_CLIENT_KEY_FILE)) {
    problems.push('SUBGRAPH_CLIENT_CERT_FILE: a client certificate needs both SUBGRAPH_CLIENT_CERT_FILE and SUBGRAPH_CLIENT_KEY_FILE');
  }
  if (!e.SUBGRAPH_CA_FILE && !e.SUBGRAPH_CLIENT_CERT_FILE && !e.SUBGRAPH_CLIENT_KEY_FILE) return false;
  for (const problem of unreadableFiles([e.SUBGRAPH_CA_FILE, e.SUBGRAPH_CLIENT_CERT_FILE, e.SUBGRAPH_CLIENT_KEY_FILE])) {
    problems.push(`SUBGRAPH_CA_FILE / SUBGRAPH_CLIENT_*_FILE: cannot read ${problem}`);
  }
  return { caFile: e.SUBGRAPH_CA_FILE, clientCertFile: e.SUBGRAPH_CLIENT_CERT_FILE, clientKeyFile: e.SUBGRAPH_CLIENT_KEY_FILE };
}
