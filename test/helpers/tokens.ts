import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type KeyLike } from 'jose';
import { DEV_JWT_SECRET } from '../../gateway/src/auth/auth-config';
import { DEV_IDENTITY_SECRET, signIdentity } from '../../subgraphs/shared/identity';

/** Claims every valid test token has unless overridden: the gateway's default iss/aud, 5 minutes. */
export function defaultClaims(overrides: JWTPayload = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return { sub: '1', iss: 'frontdoor-dev', aud: 'frontdoor', iat: now, exp: now + 300, jti: randomUUID(), ...overrides };
}

/** An HS256 token with the development secret (or `secret`). */
export function signHs256(claims: JWTPayload = {}, secret: string = DEV_JWT_SECRET): Promise<string> {
  return new SignJWT(defaultClaims(claims)).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
}

/** `Authorization` header for a user with scopes, signed with the development secret. */
export async function bearer(sub: string, scopes = '', claims: JWTPayload = {}): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await signHs256({ sub, ...(scopes ? { scope: scopes } : {}), ...claims })}` };
}

/** `Authorization` header for user `id` with the scopes the profile operation needs (orders:read payments:read). */
export function profileOwner(id: string): Promise<Record<string, string>> {
  return bearer(id, 'orders:read payments:read');
}

/** A token with `alg: none` (unsigned), built by hand: jose refuses to make one. */
export function unsignedToken(claims: JWTPayload = {}): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(defaultClaims(claims))}.`;
}

export interface TestKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: KeyLike;
  publicJwk: JWK;
}

export async function makeKey(alg: TestKey['alg'] = 'RS256', kid: string = randomUUID()): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

export function signWithKey(key: TestKey, claims: JWTPayload = {}): Promise<string> {
  return new SignJWT(defaultClaims(claims)).setProtectedHeader({ alg: key.alg, kid: key.kid }).sign(key.privateKey);
}

export interface JwksServer {
  url: string;
  /** How many times the key set was fetched. */
  fetches(): number;
  /** Replaces the published keys (key rotation). */
  publish(keys: readonly TestKey[]): void;
  stop(): Promise<void>;
}

/** A JWKS endpoint on 127.0.0.1, port 0. */
export async function startJwksServer(keys: readonly TestKey[]): Promise<JwksServer> {
  let published = keys;
  let fetches = 0;
  const server: Server = createServer((_req, res) => {
    fetches += 1;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: published.map((k) => k.publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    fetches: () => fetches,
    publish: (next) => {
      published = next;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Headers a subgraph believes: the gateway's signed identity for `id` with `scopes`. */
export function identityHeaders(id: string | null, scopes: string[] = [], secret = DEV_IDENTITY_SECRET): Record<string, string> {
  const requestId = randomUUID();
  return { 'x-request-id': requestId, 'x-frontdoor-identity': signIdentity({ id, scopes }, requestId, secret) };
}

/** An admin's identity, for contract tests that read anyone's data straight from a subgraph. */
export const adminIdentity = (): Record<string, string> => identityHeaders('admin-tester', ['admin']);
