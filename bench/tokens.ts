import { SignJWT } from 'jose';
import { BENCH_JWT_SECRET } from './features';
import { SEED_USERS } from './subgraph-stack';

/** The scopes every benchmark caller holds: enough to read its own orders and payments, nothing more. */
export const BENCH_SCOPES = 'orders:read payments:read';

export interface Caller {
  /** The user id, also the profile this caller asks for (its own). */
  id: string;
  authorization: string;
}

/**
 * One token per user 1..SEED_USERS, same scopes, each request sending the token of the user it
 * asks about. With one shared token every per-caller cache (verified tokens, rate-limit and budget
 * keys, authorization decisions) would hit on every request, which real traffic never does.
 * Every gateway receives the same tokens; only Frontdoor verifies them (the comparison gateways
 * decode them unverified, bench/identity.ts).
 */
export async function callerPool(size = SEED_USERS): Promise<Caller[]> {
  const key = new TextEncoder().encode(BENCH_JWT_SECRET);
  const callers: Caller[] = [];
  for (let i = 1; i <= size; i += 1) {
    const token = await new SignJWT({ scope: BENCH_SCOPES })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(i))
      .setIssuer('frontdoor-dev')
      .setAudience('frontdoor')
      .setIssuedAt()
      .setExpirationTime('2h')
      .sign(key);
    callers.push({ id: String(i), authorization: `Bearer ${token}` });
  }
  return callers;
}

export function randomCaller(callers: readonly Caller[]): Caller {
  return callers[Math.floor(Math.random() * callers.length)]!;
}
