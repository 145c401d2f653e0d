import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context';
import type { ResponseHeaderCollector } from '../datasource/response-header-collector';

export interface ResponseHeadersPluginOptions {
  /** Filled by the data source with the allow-listed headers of each subgraph response (SUBGRAPH_RESPONSE_HEADERS). */
  collector: ResponseHeaderCollector;
}

/**
 * Sets the subgraph response headers collected for this operation on the client response. A
 * response-cache hit ran no subgraph call, so it carries none (docs/resilience.md: "Response headers from subgraphs").
 */
export function responseHeadersPlugin(opts: ResponseHeadersPluginOptions): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(rc) {
          const headers = opts.collector.take(rc.contextValue);
          if (!headers) return;
          for (const [name, value] of headers) rc.response.http.headers.set(name, value);
        },
      };
    },
  };
}
