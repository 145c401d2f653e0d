import { cacheVerifiedTokens } from '../../gateway/src/auth/verified-tokens';
import type { VerifiedToken } from '../../gateway/src/auth/jwt';

function countingVerifier(expiresAtMs: () => number) {
  const calls: string[] = [];
  const verify = async (token: string): Promise<VerifiedToken> => {
    calls.push(token);
    if (token.startsWith('bad')) throw new Error('bad signature');
    return { principal: { id: token, scopes: [], tokenId: null }, expiresAtMs: expiresAtMs(), issuedAtS: null, token };
  };
  return { calls, verify };
}

describe('verified-token cache', () => {
  afterEach(() => jest.useRealTimers());

  it('verifies a repeated token once and a different token separately', async () => {
    const { calls, verify } = countingVerifier(() => Date.now() + 3_600_000);
    const cached = cacheVerifiedTokens(verify, { maxEntries: 10, maxAgeMs: 60_000, clockToleranceMs: 0 });
    const first = await cached('a');
    expect(await cached('a')).toBe(first);
    await cached('b');
    expect(calls).toEqual(['a', 'b']);
  });

  it('never remembers a failure', async () => {
    const { calls, verify } = countingVerifier(() => Date.now() + 3_600_000);
    const cached = cacheVerifiedTokens(verify, { maxEntries: 10, maxAgeMs: 60_000, clockToleranceMs: 0 });
    await expect(cached('bad-1')).rejects.toThrow('bad signature');
    await expect(cached('bad-1')).rejects.toThrow('bad signature');
    expect(calls).toEqual(['bad-1', 'bad-1']);
  });

  it('verifies again once the token expires or the cache age passes, whichever is first', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const soon = countingVerifier(() => 1_000_000 + 5_000);
    const cachedSoon = cacheVerifiedTokens(soon.verify, { maxEntries: 10, maxAgeMs: 60_000, clockToleranceMs: 1_000 });
    await cachedSoon('a');
    jest.setSystemTime(1_000_000 + 5_900);
    await cachedSoon('a');
    expect(soon.calls).toHaveLength(1);
    jest.setSystemTime(1_000_000 + 6_100);
    await cachedSoon('a');
    expect(soon.calls).toHaveLength(2);

    const late = countingVerifier(() => Date.now() + 3_600_000);
    const cachedLate = cacheVerifiedTokens(late.verify, { maxEntries: 10, maxAgeMs: 60_000, clockToleranceMs: 0 });
    await cachedLate('b');
    jest.setSystemTime(Date.now() + 61_000);
    await cachedLate('b');
    expect(late.calls).toHaveLength(2);
  });

  it('is off with maxEntries 0', async () => {
    const { calls, verify } = countingVerifier(() => Date.now() + 3_600_000);
    const cached = cacheVerifiedTokens(verify, { maxEntries: 0, maxAgeMs: 60_000, clockToleranceMs: 0 });
    await cached('a');
    await cached('a');
    expect(calls).toEqual(['a', 'a']);
  });
});
