import type { ServiceEndpointDefinition } from '@apollo/gateway';
import type { Config } from '../config';
import type { IdentitySigner } from '../auth/identity-header';
import { ResponseHeaderCollector } from '../datasource/response-header-collector';
import { responseHeaderNamesFor } from '../datasource/response-header-config';
import { SubgraphDataSource } from '../datasource/subgraph-datasource';
import { createUndiciFetcher } from '../datasource/undici-fetcher';
import { subgraphConnectTls } from '../edge/subgraph-tls';
import { SubgraphServices } from '../execution/subgraph-services';
import type { Logger } from '../logger';
import type { GatewayMetrics } from '../observability/metrics';
import { SubgraphResilience } from '../resilience/subgraph-resilience';
import { SubgraphReplicas } from '../routing/subgraph-replicas';

export interface SubgraphLayer {
  /** ApolloGateway's `buildService`: one data source per subgraph, over the shared pool. */
  buildService(definition: ServiceEndpointDefinition): SubgraphDataSource;
  resilience: SubgraphResilience;
  replicas: SubgraphReplicas;
  /** Present when SUBGRAPH_RESPONSE_HEADERS lists any header. */
  responseHeaders: ResponseHeaderCollector | undefined;
  /** The data sources ApolloGateway built, for our own plan executor (execution/): the same fetch path for every door. */
  services: SubgraphServices;
  /** Closes the keep-alive pool and the breakers' timers. */
  close(): Promise<void>;
}

/**
 * Everything between the query plan and a subgraph's socket: the keep-alive pool (TLS to subgraphs
 * included), deadlines, retries, breakers, replica choice and the signed identity on every call.
 */
export function buildSubgraphLayer(config: Config, deps: { log: Logger; metrics: GatewayMetrics; identity: IdentitySigner }): SubgraphLayer {
  const { log, metrics, identity } = deps;
  const resilience = new SubgraphResilience(config.resilience, config.subgraphs.timeoutMs, log);
  const pool = createUndiciFetcher({
    maxConnections: config.subgraphs.maxConnections,
    timeoutMs: resilience.maxTimeoutMs,
    tls: subgraphConnectTls(config.edge.subgraphTls),
  });
  const replicas = new SubgraphReplicas(config.replicas, {
    log,
    onAttempt: (subgraph, replica, ok) => metrics.replicaAttempts.inc({ subgraph, replica, outcome: ok ? 'ok' : 'failure' }),
    onEjected: (subgraph, replica) => metrics.replicaEjections.inc({ subgraph, replica }),
  });
  const responseHeaders = config.responseHeaders ? new ResponseHeaderCollector(config.responseHeaders.conflict) : undefined;
  const services = new SubgraphServices();
  const buildService = ({ name, url }: ServiceEndpointDefinition): SubgraphDataSource => {
    const copyHeaders = responseHeaderNamesFor(config.responseHeaders, name);
    return services.register(name, new SubgraphDataSource({
      name,
      url: config.subgraphs.urlOverrides[name.toLowerCase()] ?? url ?? '',
      fetcher: pool.fetcher,
      forwardHeaders: config.subgraphs.forwardHeaders,
      log,
      // Several URLs: the caller picks a replica per attempt; one URL: no replica layer at all.
      caller: resilience.callerFor(name, pool.post, replicas.forSubgraph(name)),
      identity,
      onFetch: (subgraph, outcome, durationMs) => metrics.recordSubgraphFetch(subgraph, outcome, durationMs / 1000),
      ...(responseHeaders && copyHeaders.length > 0 ? { responseHeaders: { names: copyHeaders, collector: responseHeaders } } : {}),
    }));
  };
  return {
    buildService,
    resilience,
    replicas,
    responseHeaders,
    services,
    close: async () => {
      await pool.close();
      resilience.shutdown();
    },
  };
}
