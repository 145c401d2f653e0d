import Negotiator from 'negotiator';

/** The media types Apollo Server writes incremental responses as, in the order it negotiates them. */
const MULTIPART_NO_SPEC = 'multipart/mixed';
const MULTIPART_INCREMENTAL_V02 = 'multipart/mixed; incrementalSpec=v0.2';
export const MULTIPART_DEFER_SPEC = 'multipart/mixed; deferSpec=20220824';

/**
 * Whether to answer a request's @defer with `multipart/mixed; deferSpec=20220824` (else one
 * complete JSON result, which every client accepts: docs/defer.md).
 *
 * Both questions use `negotiator`, the library Apollo Server negotiates with, so our answer and
 * Apollo Server's agree:
 *  1. Would Apollo Server write the deferSpec=20220824 format for this Accept? Only that format is
 *     what our payloads are; any other choice (bare `multipart/mixed`, `incrementalSpec=v0.2`)
 *     would make it answer 406 or mislabel the body.
 *  2. Does the client prefer it to JSON? Apollo Client 4 (with its Defer20220824Handler) sends
 *     `multipart/mixed;deferSpec=20220824,application/graphql-response+json,application/json;q=0.9`
 *     → yes. urql sends JSON first and a bare `multipart/mixed` last → no: one JSON result.
 */
export function wantsDeferMultipart(accept: string | undefined): boolean {
  if (!accept) return false;
  const negotiator = new Negotiator({ headers: { accept } });
  if (negotiator.mediaType([MULTIPART_NO_SPEC, MULTIPART_INCREMENTAL_V02, MULTIPART_DEFER_SPEC]) !== MULTIPART_DEFER_SPEC) return false;
  return negotiator.mediaType([MULTIPART_DEFER_SPEC, 'application/graphql-response+json', 'application/json']) === MULTIPART_DEFER_SPEC;
}
