import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { bool, int } from '../env-values';

/** The listener, process and Apollo Server variables, merged into config.ts's one schema. docs/configuration.md documents each. */
export const HTTP_ENV = {
  /** TCP port; 0 picks a free one. @default 4000 */
  PORT: int(0, 65535).default(4000),
  /** Interface to bind. @default 0.0.0.0 */
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Gateway processes sharing the port (node:cluster); 0 = one per CPU core; 1 = no cluster. @default 1 */
  CLUSTER_WORKERS: int(0, 256).default(1),
  /** Largest accepted request body, in bytes; larger → 413. @default 1048576 (1 MiB) */
  MAX_BODY_BYTES: int(1, 100 * 1024 * 1024).default(1024 * 1024),
  /** Believe the first X-Forwarded-For entry as the client IP (only behind a proxy that sets it). @default false */
  TRUST_PROXY: bool.default(false),
  /** How long shutdown waits for in-flight requests, in milliseconds. @default 10000 */
  SHUTDOWN_GRACE_MS: int(0, 600_000).default(10_000),
  /** Allow introspection queries. @default true, false when NODE_ENV=production */
  INTROSPECTION: bool.optional(),
  /** Serve the Apollo Sandbox landing page on GET /graphql from a browser. @default true, false when NODE_ENV=production */
  SANDBOX: bool.optional(),
  /** Show upstream error details (unmasked messages, subgraph responses) to clients. Never in production. @default false */
  EXPOSE_ERROR_DETAILS: bool.default(false),
};

const HttpEnvSchema = z.object(HTTP_ENV);
type HttpEnv = z.output<typeof HttpEnvSchema>;

export interface HttpConfig {
  port: number;
  host: string;
  maxBodyBytes: number;
  shutdownGraceMs: number;
  trustProxy: boolean;
}

export interface GraphQLConfig {
  introspection: boolean;
  sandbox: boolean;
  exposeErrorDetails: boolean;
}

export interface HttpSections {
  http: HttpConfig;
  /** Gateway worker processes; 1 means no cluster. */
  workers: number;
  graphql: GraphQLConfig;
}

export function toHttpConfig(e: HttpEnv, production: boolean, problems: string[]): HttpSections {
  if (production && e.EXPOSE_ERROR_DETAILS) {
    problems.push('EXPOSE_ERROR_DETAILS: must not be true when NODE_ENV=production (it leaks internal URLs and messages)');
  }
  return {
    http: { port: e.PORT, host: e.HOST, maxBodyBytes: e.MAX_BODY_BYTES, shutdownGraceMs: e.SHUTDOWN_GRACE_MS, trustProxy: e.TRUST_PROXY },
    workers: e.CLUSTER_WORKERS === 0 ? availableParallelism() : e.CLUSTER_WORKERS,
    graphql: {
      introspection: e.INTROSPECTION ?? !production,
      sandbox: e.SANDBOX ?? !production,
      exposeErrorDetails: e.EXPOSE_ERROR_DETAILS,
    },
  };
}
