import { keyFingerprint, readIdempotencyKey } from '../../gateway/src/idempotency/idempotency-key';
import { requestHash } from '../../gateway/src/idempotency/request-hash';

describe('readIdempotencyKey', () => {
  it('when the header is absent, then there is no key', () => {
    expect(readIdempotencyKey(undefined)).toEqual({ kind: 'absent' });
  });

  it('when the key is a bare token or the draft\'s quoted string, then it is read', () => {
    expect(readIdempotencyKey('8e03978e-40d5-43e8-bc93-6894a57f9324')).toEqual({ kind: 'valid', key: '8e03978e-40d5-43e8-bc93-6894a57f9324' });
    expect(readIdempotencyKey('"8e03978e-40d5"')).toEqual({ kind: 'valid', key: '8e03978e-40d5' });
  });

  it('when the key is empty, over 128 characters, repeated or has separators, then it is invalid', () => {
    for (const value of ['', '""', 'x'.repeat(129), 'a b', 'a;b', 'a"b', 'é', ['a', 'b']]) expect(readIdempotencyKey(value)).toEqual({ kind: 'invalid' });
  });
});

describe('keyFingerprint', () => {
  it('when a key is logged, then only a short hash of it is', () => {
    expect(keyFingerprint('secret-key')).toMatch(/^[0-9a-f]{12}$/);
    expect(keyFingerprint('secret-key')).not.toContain('secret');
  });
});

describe('requestHash', () => {
  it('when variables differ only in key order, then the request is the same', () => {
    expect(requestHash('q', 'Place', { a: 1, b: { c: 2, d: 3 } })).toBe(requestHash('q', 'Place', { b: { d: 3, c: 2 }, a: 1 }));
  });

  it('when the document, the name or a variable differs, then it is another request', () => {
    const base = requestHash('q', 'Place', { a: 1 });
    expect(requestHash('q2', 'Place', { a: 1 })).not.toBe(base);
    expect(requestHash('q', 'Other', { a: 1 })).not.toBe(base);
    expect(requestHash('q', 'Place', { a: 2 })).not.toBe(base);
  });
});
