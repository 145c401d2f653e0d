import { createHash } from 'node:crypto';

/**
 * Pure: what "the same request" means for a key: the operation document (Apollo Server's hash
 * of its text, also set for persisted-query ids), the operation name and the variables, with
 * object keys sorted so `{a, b}` and `{b, a}` are one request.
 */
export function requestHash(queryHash: string | undefined, operationName: string | null | undefined, variables: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([queryHash ?? null, operationName ?? null, canonical(variables ?? null)]))
    .digest('hex');
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
  );
}
