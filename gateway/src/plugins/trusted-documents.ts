import type { ApolloServerPlugin } from '@apollo/server';
import type { TrustedDocuments } from '../cache/manifest';
import type { GatewayContext } from '../context';
import { gatewayError } from '../errors';

/**
 * Safelist mode (PERSISTED_QUERIES_SAFELIST=true): an operation runs only when its document is in
 * the manifest, whether the client sent the manifest id (resolved by the APQ cache) or the full
 * body. Refused in `didResolveOperation`, before any plan or subgraph call, with
 * PERSISTED_QUERY_NOT_IN_LIST (403: the request is well-formed, but this gateway will not run
 * it; resending it unchanged cannot help). Its check is synchronous, so its refusal is the one
 * Apollo Server reports even when other plugins' didResolveOperation hooks also reject.
 */
export function trustedDocumentsPlugin(trusted: TrustedDocuments): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(rc) {
          if (!trusted.isListed(rc.queryHash, rc.document)) {
            throw gatewayError('PERSISTED_QUERY_NOT_IN_LIST', { operationName: rc.operationName ?? null });
          }
        },
      };
    },
  };
}
