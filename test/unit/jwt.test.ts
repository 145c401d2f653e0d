import { SignJWT, type JWTPayload } from 'jose';
import { createTokenVerifier, scopesOf, TokenRejected, type RejectionReason, type TokenVerifierOptions } from '../../gateway/src/auth/jwt';
import { signIdentityHeader } from '../../gateway/src/auth/identity-header';
import { verifyIdentity } from '../../subgraphs/shared/identity';

const SECRET = 'unit-test-secret-that-is-long-enough-0123456789';
const OPTIONS: TokenVerifierOptions = {
  keys: { kind: 'secret', secret: SECRET },
  algorithms: ['HS256'],
  issuer: 'iss-1',
  audience: 'aud-1',
  clockToleranceS: 30,
  maxTokenBytes: 2048,
};
const now = () => Math.floor(Date.now() / 1000);
const sign = (claims: JWTPayload, alg = 'HS256', secret = SECRET) =>
  new SignJWT({ sub: 'u1', iss: 'iss-1', aud: 'aud-1', exp: now() + 60, ...claims }).setProtectedHeader({ alg }).sign(new TextEncoder().encode(secret));

async function reasonFor(token: string | Promise<string>, options: TokenVerifierOptions = OPTIONS): Promise<RejectionReason | 'accepted'> {
  try {
    await createTokenVerifier(options)(await token);
    return 'accepted';
  } catch (err) {
    if (err instanceof TokenRejected) return err.reason;
    throw err;
  }
}

describe('createTokenVerifier', () => {
  it('when the token is valid, then the principal carries subject, scopes and jti', async () => {
    const verified = await createTokenVerifier(OPTIONS)(await sign({ scope: 'a b', jti: 'j1' }));
    expect(verified.principal).toEqual({ id: 'u1', scopes: ['a', 'b'], tokenId: 'j1' });
    expect(verified.expiresAtMs).toBeGreaterThan(Date.now());
  });

  it.each<[string, Promise<string> | string, RejectionReason]>([
    ['expired beyond the tolerance', sign({ exp: now() - 31 }), 'expired'],
    ['nbf beyond the tolerance', sign({ nbf: now() + 31 }), 'not-yet-valid'],
    ['wrong issuer', sign({ iss: 'other' }), 'claim-invalid'],
    ['wrong audience', sign({ aud: 'other' }), 'claim-invalid'],
    ['no subject', sign({ sub: undefined }), 'missing-claim'],
    ['wrong secret', sign({}, 'HS256', `${SECRET}x`), 'bad-signature'],
    ['HS512 when only HS256 is allowed', sign({}, 'HS512'), 'alg-not-allowed'],
    ['alg none', `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"u1"}').toString('base64url')}.`, 'alg-not-allowed'],
    ['oversized', sign({ pad: 'x'.repeat(3000) }), 'too-large'],
    ['garbage', 'abc', 'malformed'],
  ])('when the token has %s, then it is rejected as %s', async (_case, token, reason) => {
    expect(await reasonFor(token)).toBe(reason);
  });

  it('when exp or nbf are within the clock tolerance, then the token is accepted', async () => {
    expect(await reasonFor(sign({ exp: now() - 10 }))).toBe('accepted');
    expect(await reasonFor(sign({ nbf: now() + 10 }))).toBe('accepted');
  });

  it('when `none` is in the allow-list by mistake, then it is still refused', async () => {
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'u1', iss: 'iss-1', aud: 'aud-1', exp: now() + 60 })).toString('base64url')}.`;
    expect(await reasonFor(none, { ...OPTIONS, algorithms: ['HS256', 'none'] })).toBe('alg-not-allowed');
  });

  it('when scopes come as a string or an array (scope, scp), then they are merged without duplicates', () => {
    expect(scopesOf({ scope: 'a b  c' })).toEqual(['a', 'b', 'c']);
    expect(scopesOf({ scp: ['a', 'd'], scope: ['a'] })).toEqual(['a', 'd']);
  });
});

describe('identity header', () => {
  it('when the gateway signs an identity, then the subgraph verifier accepts it for the same request only', () => {
    const header = signIdentityHeader({ id: '5', scopes: ['admin'], tokenId: null }, 'req-1', SECRET);
    expect(verifyIdentity(header, 'req-1', SECRET)).toEqual({ ok: true, identity: { id: '5', scopes: ['admin'] } });
    expect(verifyIdentity(header, 'req-2', SECRET)).toEqual({ ok: false, reason: 'other-request' });
    expect(verifyIdentity(header, 'req-1', `${SECRET}x`)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyIdentity(header, 'req-1', SECRET, Date.now() + 61_000)).toEqual({ ok: false, reason: 'expired' });
  });
});
