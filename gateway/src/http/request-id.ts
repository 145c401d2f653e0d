import { randomUUID } from 'node:crypto';

/** What we accept from a client or proxy: short, printable, no separators that could forge log lines. */
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Pure: the inbound `x-request-id` when it is well-formed, else a new UUID. */
export function resolveRequestId(inbound: string | string[] | undefined): string {
  const value = Array.isArray(inbound) ? inbound[0] : inbound;
  return value !== undefined && VALID_REQUEST_ID.test(value) ? value : randomUUID();
}
