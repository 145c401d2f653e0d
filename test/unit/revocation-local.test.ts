import { LocalRevocations } from '../../gateway/src/auth/revocation';
import { allTags, callerTag, TAG_COUNT } from '../../gateway/src/store/hash-tags';

describe('LocalRevocations', () => {
  it('when a revocation is added, then it is known until its expiry and not after', () => {
    const local = new LocalRevocations();
    expect(local.add('jti:a', 2000, 1000)).toBe(true);
    expect(local.has('jti:a', 1999)).toBe(true);
    expect(local.has('jti:a', 2000)).toBe(false);
  });

  it('when the same revocation is heard twice, then the later expiry wins and the second add reports it known', () => {
    const local = new LocalRevocations();
    local.add('jti:b', 5000, 1000);
    expect(local.add('jti:b', 3000, 1000)).toBe(false);
    expect(local.has('jti:b', 4000)).toBe(true);
  });

  it('when an expiry is already past, then nothing is kept', () => {
    const local = new LocalRevocations();
    local.add('jti:c', 500, 1000);
    expect(local.has('jti:c', 400)).toBe(false);
  });
});

describe('caller hash tags', () => {
  it('when a caller key is tagged twice, then it gets the same tag, one of the TAG_COUNT tags', () => {
    const tags = new Set(allTags());
    expect(tags.size).toBe(TAG_COUNT);
    expect(callerTag('sub:42')).toBe(callerTag('sub:42'));
    expect(tags.has(callerTag('sub:42'))).toBe(true);
    expect(callerTag('sub:42')).toMatch(/^\{c\d+\}$/);
  });

  it('when many callers are tagged, then they spread over most tags', () => {
    const used = new Set(Array.from({ length: 10_000 }, (_, i) => callerTag(`sub:${i}`)));
    expect(used.size).toBeGreaterThan(TAG_COUNT * 0.95);
  });
});
