import { MemoryRevocationList } from '../../gateway/src/auth/revocation';
import type { VerifiedToken } from '../../gateway/src/auth/jwt';
import { MemoryRequestGate } from '../../gateway/src/limits/memory-gate';
import type { GateRequest } from '../../gateway/src/limits/request-gate';

const shape = { capacity: 100, restorePerSecond: 10 };
const token = (jti: string): VerifiedToken => ({ principal: { id: '1', scopes: [], tokenId: jti }, expiresAtMs: Date.now() + 60_000, issuedAtS: 1, token: 't' });
const request = (over: Partial<GateRequest> = {}): GateRequest => ({
  callerKey: 'sub:1',
  limits: [
    { key: 'global', points: 3, windowSeconds: 60, count: 1 },
    { key: 'field', points: 1, windowSeconds: 60, count: 1 },
  ],
  budget: { key: 'budget', shape, take: 30, refund: 0 },
  ...over,
});

/** The in-memory gate follows the Redis script's rules (gate-script.ts): same order, same stops. */
describe('MemoryRequestGate', () => {
  it('when limits and budget allow it, then it is admitted with each limit\'s remaining count and the budget left', async () => {
    const outcome = await new MemoryRequestGate().check(request(), 1000);
    expect(outcome).toEqual({
      status: 'admitted',
      limits: [
        { allowed: true, limit: 3, remaining: 2, resetMs: 60_000, windowSeconds: 60 },
        { allowed: true, limit: 1, remaining: 0, resetMs: 60_000, windowSeconds: 60 },
      ],
      budget: { allowed: true, available: 70, retryAfterMs: 0 },
    });
  });

  it('when a field limit is over, then it is refused there, and the budget is not touched', async () => {
    const gate = new MemoryRequestGate();
    await gate.check(request(), 1000);
    const outcome = await gate.check(request(), 2000);
    expect(outcome).toMatchObject({ status: 'limited', over: 1 });
    const after = await gate.check(request({ limits: [] }), 2000);
    // 70 left after the first, 10 restored in the second since, 30 taken now: the refused request took nothing.
    expect(after).toMatchObject({ status: 'admitted', budget: { available: 50 } });
  });

  it('when the global limit is over, then later limits are not counted', async () => {
    const gate = new MemoryRequestGate();
    const onlyGlobal = request({ limits: [{ key: 'g', points: 1, windowSeconds: 60, count: 1 }], budget: undefined });
    await gate.check(onlyGlobal, 0);
    const refused = await gate.check(request({ limits: [{ key: 'g', points: 1, windowSeconds: 60, count: 1 }, { key: 'f', points: 5, windowSeconds: 60, count: 1 }] }), 0);
    expect(refused).toMatchObject({ status: 'limited', over: 0 });
    expect(await gate.check(request({ limits: [{ key: 'f', points: 5, windowSeconds: 60, count: 1 }], budget: undefined }), 0)).toMatchObject({ limits: [{ remaining: 4 }] });
  });

  it('when a window has passed, then its count starts again', async () => {
    const gate = new MemoryRequestGate();
    const one = request({ limits: [{ key: 'w', points: 1, windowSeconds: 1, count: 1 }], budget: undefined });
    expect((await gate.check(one, 0)).status).toBe('admitted');
    expect((await gate.check(one, 500)).status).toBe('limited');
    expect((await gate.check(one, 1000)).status).toBe('admitted');
  });

  it('when the budget is short, then it is throttled with the wait until the points are back; a refund comes first', async () => {
    const gate = new MemoryRequestGate();
    const big = request({ limits: [], budget: { key: 'b', shape, take: 80, refund: 0 } });
    await gate.check(big, 0);
    expect(await gate.check(big, 0)).toEqual({ status: 'throttled', limits: [], budget: { allowed: false, available: 20, retryAfterMs: 6000 } });
    expect(await gate.check(request({ limits: [], budget: { key: 'b', shape, take: 80, refund: 60 } }), 0)).toMatchObject({ status: 'admitted', budget: { available: 0 } });
  });

  it('when the token was revoked in this process, then it is refused before anything is counted', async () => {
    const revocations = new MemoryRevocationList(0);
    const gate = new MemoryRequestGate(revocations);
    await revocations.revoke(token('x'));
    expect(await gate.check(request({ token: token('x') }), 0)).toEqual({ status: 'revoked' });
    expect(await gate.check(request({ token: token('y') }), 0)).toMatchObject({ status: 'admitted', limits: [{ remaining: 2 }, { remaining: 0 }] });
  });
});
