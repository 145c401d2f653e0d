import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context';
import { deferredResponder, type DeferredResponderOptions } from '../incremental/deferred-response';

export type DeferPluginOptions = DeferredResponderOptions;

/**
 * @defer over multipart/mixed (incremental/deferred-response.ts). `responseForOperation` runs after
 * every `didResolveOperation` check, so authorization, trusted documents, client policies and
 * limits have all applied; listed after the response cache, whose fresh entry (a whole result)
 * answers a deferred query too.
 */
export function deferPlugin(opts: DeferPluginOptions): ApolloServerPlugin<GatewayContext> {
  const respond = deferredResponder(opts);
  return {
    async requestDidStart() {
      return { responseForOperation: (rc) => respond(rc) };
    },
  };
}
