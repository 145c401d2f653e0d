import type { GatewayContext } from '../context';

/**
 * Pure: whom a limit counts against: the token's subject when the caller is authenticated, else
 * the client IP (X-Forwarded-For only with TRUST_PROXY, see http/client-ip.ts). Prefixed so a
 * subject can never collide with an address.
 */
export function callerKey(context: Pick<GatewayContext, 'principal' | 'clientIp'>): string {
  return context.principal.id !== null ? `sub:${context.principal.id}` : `ip:${context.clientIp}`;
}
