/** Where a published supergraph lives in Redis (under REDIS_KEY_PREFIX) and how instances hear of it. */
export const SUPERGRAPH_KEY = 'supergraph:current';

/** Pub/sub channels are not covered by ioredis' keyPrefix, so the prefix is added by hand. */
export function supergraphChannel(keyPrefix: string): string {
  return `${keyPrefix}supergraph:updated`;
}
