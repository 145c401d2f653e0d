import { createHash } from 'node:crypto';

/**
 * A strong validator (RFC 9110 §8.8.3): the SHA-256 of the exact body bytes, so two responses
 * share an ETag only when they are byte-for-byte equal, whichever instance or cache answered.
 */
export function strongEtag(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url')}"`;
}

/**
 * If-None-Match (RFC 9110 §13.1.2): `*` or any listed tag matching by the weak comparison
 * (`W/"x"` matches `"x"`), which is what this header uses even against a strong ETag.
 */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const trimmed = header.trim();
  if (trimmed === '*') return true;
  const opaque = etag.startsWith('W/') ? etag.slice(2) : etag;
  for (const part of trimmed.split(',')) {
    const tag = part.trim();
    if ((tag.startsWith('W/') ? tag.slice(2) : tag) === opaque) return true;
  }
  return false;
}
