import type { ApolloServerPlugin } from '@apollo/server';
import { LRUCache } from 'lru-cache';
import type { GatewayContext } from '../context';
import { fieldCoordinates } from '../usage/field-coordinates';
import type { UsageAggregator } from '../usage/usage-aggregator';

export interface UsageRecordingPluginOptions {
  aggregator: UsageAggregator;
}

/**
 * Records which schema coordinates each operation selects (for `npm run check`'s usage-aware
 * report). Coordinates are computed once per distinct document (keyed by Apollo's query hash)
 * and per schema, so steady traffic costs a cache lookup and a few map increments.
 */
export function usageRecordingPlugin(opts: UsageRecordingPluginOptions): ApolloServerPlugin<GatewayContext> {
  const cache = new WeakMap<object, LRUCache<string, string[]>>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, queryHash, operationName }) {
          let perSchema = cache.get(schema);
          if (!perSchema) {
            perSchema = new LRUCache<string, string[]>({ max: 5000 });
            cache.set(schema, perSchema);
          }
          let coordinates = perSchema.get(queryHash);
          if (!coordinates) {
            coordinates = fieldCoordinates(schema, document);
            perSchema.set(queryHash, coordinates);
          }
          opts.aggregator.record(coordinates, operationName ?? null);
        },
      };
    },
  };
}
