/**
 * Redis Cluster hash tags. A script or transaction may only touch keys of one hash slot, and the
 * slot of a key that contains `{…}` is the slot of what is between the braces. Everything a
 * request's one round trip reads or writes for one caller (revocation, rate limits, budget, the
 * revocation epoch marker) carries the caller's tag, so it lives in one slot.
 *
 * Callers are spread over TAG_COUNT tags rather than each getting its own: the epoch marker
 * (auth/redis-revocations.ts) must exist in every slot callers use *before* their first request,
 * so their number must be small enough to create all at start-up. 1024 tags spread callers over
 * 1024 slots, which balances a cluster of up to a few dozen shards to within about ±10 %.
 */
export const TAG_COUNT = 1024;

/** The hash tag, braces included, of everything stored for one caller (a `callerKey`). */
export function callerTag(callerKey: string): string {
  return tagOf(fnv1a(callerKey) % TAG_COUNT);
}

/** Every tag callers can get. */
export function allTags(): string[] {
  return Array.from({ length: TAG_COUNT }, (_, i) => tagOf(i));
}

function tagOf(bucket: number): string {
  return `{c${bucket}}`;
}

/** 32-bit FNV-1a: fast, stable across processes and versions (unlike a seeded hash). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
