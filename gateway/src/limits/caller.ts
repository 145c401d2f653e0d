import type { GatewayContext } from '../context';

/**
 * Pure: whom a limit counts against: the token's subject when the caller is authenticated, else
 * the client IP (X-Forwarded-For only with TRUST_PROXY, see http/client-ip.ts). Prefixed so a
 * subject can never collide with an address.
 */
export function callerKey(context: Pick<GatewayContext, 'principal' | 'clientIp'>): string {
  return context.principal.id !== null ? subjectKey(context.principal.id) : `ip:${context.clientIp}`;
}

/** The caller key of a signed-in subject (revocations are stored beside its limits, store/hash-tags.ts). */
export function subjectKey(subject: string): string {
  return `sub:${subject}`;
}
