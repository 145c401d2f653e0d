import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import type { FormattedExecutionResult } from 'graphql';
import type { GatewayContext } from '../context';
import { gatewayError } from '../errors';
import { IDEMPOTENCY_HEADER, keyFingerprint, MAX_KEY_LENGTH, readIdempotencyKey } from '../idempotency/idempotency-key';
import type { Claim, IdempotencyStore } from '../idempotency/idempotency-store';
import { requestHash } from '../idempotency/request-hash';
import { callerKey } from '../limits/caller';

/**
 * Errors that say "this did not finish", not "this is the answer": the mutation may or may not
 * have been applied, so the response is not kept and a retry with the key runs again (the
 * subgraphs that honour the key then return their first result instead of applying it twice).
 */
const NOT_DEFINITIVE: ReadonlySet<unknown> = new Set([
  'SUBGRAPH_UNAVAILABLE',
  'SUBGRAPH_TIMEOUT',
  'DOWNSTREAM_SERVICE_ERROR',
  'INTERNAL_SERVER_ERROR',
  'IDEMPOTENCY_KEY_IN_USE',
  'RATE_LIMITED',
  'THROTTLED',
  'RATE_LIMITER_UNAVAILABLE',
]);

/** Seconds a client waits before repeating a key that is still running. */
const RETRY_AFTER_S = 1;

/**
 * `Idempotency-Key` on mutations (IETF httpapi draft): the first request with a key runs and its
 * definitive response is kept (idempotency/idempotency-store.ts); a repeat gets that response
 * (`idempotent-replayed: true`), a repeat while it runs 409 IDEMPOTENCY_KEY_IN_USE, the key with
 * another request 422 IDEMPOTENCY_KEY_REUSED. The key also travels to the subgraphs, signed with
 * the caller in the identity header, for the case no gateway record can cover: the connection broke
 * after the subgraph applied the mutation. Queries ignore the header (they are idempotent already).
 */
export function idempotencyPlugin(store: IdempotencyStore): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      let claiming: Promise<Claim> | undefined;
      let executed = false;
      return {
        async didResolveOperation({ operation, request, queryHash, contextValue }) {
          if (operation?.operation !== 'mutation') return;
          const reading = readIdempotencyKey(request.http?.headers.get(IDEMPOTENCY_HEADER));
          if (reading.kind === 'absent') return;
          if (reading.kind === 'invalid') throw gatewayError('IDEMPOTENCY_KEY_INVALID', { maxLength: MAX_KEY_LENGTH });
          claiming = store.claim(callerKey(contextValue), reading.key, requestHash(queryHash, request.operationName, request.variables));
          const claim = await claiming;
          contextValue.log.debug({ idempotencyKey: keyFingerprint(reading.key), claim: claim.kind }, 'idempotency key');
          if (claim.kind === 'reused') throw gatewayError('IDEMPOTENCY_KEY_REUSED');
          if (claim.kind === 'in-use') throw gatewayError('IDEMPOTENCY_KEY_IN_USE', { retryAfterMs: RETRY_AFTER_S * 1000 }, { 'retry-after': String(RETRY_AFTER_S) });
          // Signed into the identity header of this request's subgraph calls (auth/identity-header.ts).
          if (claim.kind === 'claimed' || claim.kind === 'unavailable') contextValue.idempotencyKey = reading.key;
        },
        async responseForOperation() {
          const claim = await claiming;
          if (claim?.kind !== 'replay') return null;
          return {
            http: { status: claim.response.status, headers: new HeaderMap([['idempotent-replayed', 'true']]) },
            body: { kind: 'single', singleResult: claim.response.body },
          };
        },
        async executionDidStart() {
          executed = true;
        },
        async willSendResponse({ response }) {
          // Awaited even when another check refused the operation first: a claim made meanwhile is released.
          const claim = await claiming;
          if (claim?.kind !== 'claimed') return;
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          if (executed && body && isDefinitive(body)) {
            await claim.complete({ status: response.http.status ?? 200, body: { ...(body.data !== undefined ? { data: body.data } : {}), ...(body.errors ? { errors: body.errors } : {}) } });
          } else {
            await claim.release();
          }
        },
      };
    },
  };
}

function isDefinitive(result: FormattedExecutionResult): boolean {
  return !(result.errors ?? []).some((e) => NOT_DEFINITIVE.has(e.extensions?.code));
}
