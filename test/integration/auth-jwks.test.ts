import { exportSPKI, importJWK, SignJWT, type KeyLike } from 'jose';
import { startStack, type Stack } from '../helpers/stack';
import { defaultClaims, makeKey, signWithKey, startJwksServer, unsignedToken, type JwksServer, type TestKey } from '../helpers/tokens';

const ME = '{ me { id } }';
const as = (stack: Stack, token: string) => stack.query(ME, {}, { authorization: `Bearer ${token}` });

/** Asymmetric tokens verified with keys from a JWKS endpoint (a local server on port 0). */
describe('bearer tokens (JWKS)', () => {
  let jwks: JwksServer;
  let rotating: Stack;
  let keyA: TestKey;
  let keyB: TestKey;
  let keyEs: TestKey;
  beforeAll(async () => {
    [keyA, keyB, keyEs] = await Promise.all([makeKey('RS256'), makeKey('RS256'), makeKey('ES256')]);
    jwks = await startJwksServer([keyA, keyEs]);
    // Cooldown 0: every unknown kid may refetch, so rotation shows without waiting.
    rotating = await startStack({ subgraphs: ['users'], env: { AUTH_JWKS_URL: jwks.url, AUTH_JWKS_COOLDOWN_MS: '0' } });
  });
  afterAll(async () => {
    await rotating?.stop();
    await jwks?.stop();
  });

  it('when a token is signed with a published RS256 or ES256 key, then it is accepted', async () => {
    expect((await as(rotating, await signWithKey(keyA, { sub: '21' }))).body.data).toEqual({ me: { id: '21' } });
    expect((await as(rotating, await signWithKey(keyEs, { sub: '22' }))).body.data).toEqual({ me: { id: '22' } });
  });

  it('when the issuer rotates to a new key, then tokens with the new kid are accepted and the retired key is refused', async () => {
    jwks.publish([keyB]);
    const fetchesBefore = jwks.fetches();

    const fresh = await as(rotating, await signWithKey(keyB, { sub: '23' }));
    expect(fresh.status).toBe(200);
    expect(fresh.body.data).toEqual({ me: { id: '23' } });
    expect(jwks.fetches()).toBeGreaterThan(fetchesBefore);

    expect((await as(rotating, await signWithKey(keyA))).status).toBe(401);
  });

  it('when an HS256 token is signed with the public key material (key confusion), then it is refused', async () => {
    const publicPem = await exportSPKI(await importPublic(keyB));
    for (const secret of [publicPem, JSON.stringify(keyB.publicJwk), keyB.publicJwk.n ?? '']) {
      const token = await new SignJWT(defaultClaims()).setProtectedHeader({ alg: 'HS256', kid: keyB.kid }).sign(new TextEncoder().encode(secret));
      expect((await as(rotating, token)).status).toBe(401);
    }
  });

  it('when alg is none, then it is refused', async () => {
    expect((await as(rotating, unsignedToken())).status).toBe(401);
  });

  it('when tokens carry made-up kids, then the JWKS endpoint is refetched at most once per cooldown', async () => {
    const bounded = await startStack({ subgraphs: ['users'], env: { AUTH_JWKS_URL: jwks.url, AUTH_JWKS_COOLDOWN_MS: '600000' } });
    try {
      expect((await as(bounded, await signWithKey(keyB))).status).toBe(200);
      const fetchesBefore = jwks.fetches();
      const strangers = await Promise.all(Array.from({ length: 20 }, () => makeKey('ES256')));
      const results = await Promise.all(strangers.map(async (k) => as(bounded, await signWithKey(k))));

      expect(results.every((r) => r.status === 401)).toBe(true);
      expect(jwks.fetches() - fetchesBefore).toBeLessThanOrEqual(1);
    } finally {
      await bounded.stop();
    }
  });
});

async function importPublic(key: TestKey): Promise<KeyLike> {
  return (await importJWK(key.publicJwk, key.alg)) as KeyLike;
}
