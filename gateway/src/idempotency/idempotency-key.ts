import { createHash } from 'node:crypto';

/** The request header (IETF httpapi "The Idempotency-Key HTTP Header Field"). */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** Longest key accepted, in characters: a UUID is 36; room for a prefix, never a payload. */
export const MAX_KEY_LENGTH = 128;

/**
 * What a key may contain: the draft makes it a Structured Field string; clients send UUIDs or
 * similar tokens. Printable, no quotes, spaces or separators that could forge log lines or keys.
 */
const KEY_PATTERN = /^[A-Za-z0-9._:~+/=-]+$/;

export type KeyReading = { kind: 'absent' } | { kind: 'invalid' } | { kind: 'valid'; key: string };

/**
 * Pure: the key of a request. Accepts the draft's sf-string form (`"8e03978e-…"`) and the bare
 * token most clients send; anything else (empty, too long, odd characters, several values) is
 * invalid.
 */
export function readIdempotencyKey(header: string | string[] | undefined): KeyReading {
  if (header === undefined) return { kind: 'absent' };
  if (Array.isArray(header)) return { kind: 'invalid' };
  const trimmed = header.trim();
  const key = trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1) : trimmed;
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || !KEY_PATTERN.test(key)) return { kind: 'invalid' };
  return { kind: 'valid', key };
}

/** What logs may show of a key: enough to correlate lines, never the key itself. */
export function keyFingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}
