import type { Config } from './config';
import { describeTopology } from './store/redis-config';

/** What start-up logs: no secrets, nothing unbounded. */
export function summarizeConfig(c: Config): Record<string, unknown> {
  return {
    env: c.env,
    port: c.http.port,
    workers: c.workers,
    host: c.http.host,
    supergraph: c.supergraph,
    subgraphTimeoutMs: c.subgraphs.timeoutMs,
    resilience: c.resilience,
    urlOverrides: Object.keys(c.subgraphs.urlOverrides),
    replicas: { ...c.replicas, urlsBySubgraph: Object.fromEntries(Object.entries(c.replicas.urlsBySubgraph).map(([name, urls]) => [name, urls.length])) },
    responseHeaders: c.responseHeaders,
    introspection: c.graphql.introspection,
    sandbox: c.graphql.sandbox,
    // File paths and origins only, never key material.
    edge: {
      tls: c.edge.tls && { certFile: c.edge.tls.certFile, minVersion: c.edge.tls.minVersion, watch: Boolean(c.edge.tls.watch) },
      hsts: c.edge.hsts,
      cors: c.edge.cors && { origins: c.edge.cors.origins.map((o) => (o.kind === 'any' ? '*' : o.kind === 'exact' ? o.origin : o.source)), credentials: c.edge.cors.credentials },
      subgraphTls: c.edge.subgraphTls && { ca: Boolean(c.edge.subgraphTls.caFile), clientCert: Boolean(c.edge.subgraphTls.clientCertFile) },
    },
    // Hosts and ports only: a Redis URL may carry a password.
    redis: c.redis ? describeTopology(c.redis.topology) : 'in-memory',
    cache: {
      response: c.cache.response,
      apq: c.cache.apq,
      trustedDocuments: c.cache.trustedDocuments && { path: c.cache.trustedDocuments.manifestPath, safelist: c.cache.trustedDocuments.safelist, operations: c.cache.trustedDocuments.operations.length },
      plan: c.cache.plan,
    },
    limits: c.limits,
    idempotency: c.idempotency,
    clients: { nameClaim: c.clients.nameClaim, policies: c.clients.policies },
    rest: c.rest && { routes: c.rest.routes.map((r) => `${r.label} → ${r.operation.name}`), docs: c.rest.docs },
    // Never the secrets themselves.
    auth: {
      keys: c.auth.keys.kind === 'jwks' ? `jwks ${redactUrl(c.auth.keys.url)}` : c.auth.keys.isDevSecret ? 'dev secret' : 'secret',
      algorithms: c.auth.algorithms,
      issuer: c.auth.issuer,
      audience: c.auth.audience,
      authorizationMode: c.auth.authorizationMode,
    },
  };
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '[invalid]';
  }
}
