import { IDENTITY_TTL_MS, IdentitySigner } from '../../gateway/src/auth/identity-header';
import { verifyIdentity } from '../../subgraphs/shared/identity';

const SECRET = 'identity-signer-test-secret-0123456789abcdef';

describe('IdentitySigner', () => {
  const signer = new IdentitySigner(SECRET);
  const alice = { principal: { id: 'alice', scopes: ['orders:read'], tokenId: null }, requestId: 'req-1' };
  const bob = { principal: { id: 'bob', scopes: [], tokenId: null }, requestId: 'req-2' };

  it('signs a request once for all its subgraph calls, and every request separately', () => {
    const now = 1_000_000;
    const first = signer.headerFor(alice, now);
    expect(signer.headerFor(alice, now + 10)).toBe(first);
    const other = signer.headerFor(bob, now);
    expect(other).not.toBe(first);
    expect(verifyIdentity(first, 'req-1', SECRET, now + 10)).toEqual({ ok: true, identity: { id: 'alice', scopes: ['orders:read'] } });
    expect(verifyIdentity(other, 'req-2', SECRET, now)).toEqual({ ok: true, identity: { id: 'bob', scopes: [] } });
  });

  it('signs again once half the header lifetime has passed, so a late call never carries an almost expired header', () => {
    const now = 2_000_000;
    const request = { principal: alice.principal, requestId: 'req-3' };
    const first = signer.headerFor(request, now);
    expect(signer.headerFor(request, now + IDENTITY_TTL_MS / 2 - 1)).toBe(first);
    const later = signer.headerFor(request, now + IDENTITY_TTL_MS / 2 + 1);
    expect(later).not.toBe(first);
    expect(verifyIdentity(later, 'req-3', SECRET, now + IDENTITY_TTL_MS + 1000).ok).toBe(true);
  });

  it('when a mutation carries an Idempotency-Key, then it is signed with the caller and a subgraph reads it', () => {
    const now = 3_000_000;
    const header = signer.headerFor({ principal: alice.principal, requestId: 'req-4', idempotencyKey: 'k-1' }, now);
    expect(verifyIdentity(header, 'req-4', SECRET, now)).toEqual({ ok: true, identity: { id: 'alice', scopes: ['orders:read'], idempotencyKey: 'k-1' } });
  });
});
