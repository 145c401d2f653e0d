import { accessOf, responseCacheKey, type ResponseKeyInput } from '../../gateway/src/cache/cache-key';

const base: ResponseKeyInput = {
  supergraph: 'sg1',
  queryHash: 'q1',
  operationName: 'Profile',
  variables: { id: '1', first: 5 },
  varyHeaders: {},
  access: 'authenticated:',
};

describe('responseCacheKey', () => {
  it('when variables differ only in key order, then the key is the same', () => {
    expect(responseCacheKey({ ...base, variables: { first: 5, id: '1' } }, 'PUBLIC', null)).toBe(responseCacheKey(base, 'PUBLIC', null));
  });

  it('when any input differs, then the key differs', () => {
    const key = responseCacheKey(base, 'PUBLIC', null);
    const variants: ResponseKeyInput[] = [
      { ...base, supergraph: 'sg2' },
      { ...base, queryHash: 'q2' },
      { ...base, operationName: 'Other' },
      { ...base, variables: { id: '2', first: 5 } },
      { ...base, varyHeaders: { 'accept-language': 'fr' } },
      { ...base, access: 'anonymous' },
    ];
    for (const v of variants) expect(responseCacheKey(v, 'PUBLIC', null)).not.toBe(key);
  });

  it('when two callers ask privately, then each has a key of their own, distinct from the public one', () => {
    const a = responseCacheKey(base, 'PRIVATE', 'a');
    expect(responseCacheKey(base, 'PRIVATE', 'b')).not.toBe(a);
    expect(responseCacheKey(base, 'PUBLIC', null)).not.toBe(a);
  });

  it('when a private key is asked for an anonymous caller, then it refuses', () => {
    expect(() => responseCacheKey(base, 'PRIVATE', null)).toThrow();
  });
});

describe('accessOf', () => {
  it('when callers differ in scopes but not order, then they share an access class; anonymous is its own', () => {
    expect(accessOf({ id: 'a', scopes: ['x', 'y'], tokenId: null })).toBe(accessOf({ id: 'b', scopes: ['y', 'x'], tokenId: null }));
    expect(accessOf({ id: 'a', scopes: ['x'], tokenId: null })).not.toBe(accessOf({ id: 'a', scopes: [], tokenId: null }));
    expect(accessOf({ id: null, scopes: [], tokenId: null })).toBe('anonymous');
  });
});
