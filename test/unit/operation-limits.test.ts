import { getIntrospectionQuery, getOperationAST, parse } from 'graphql';
import { checkOperationShape, measureOperation } from '../../gateway/src/limits/operation-shape';
import { checkGraphQLRequest, countTokens } from '../../gateway/src/limits/request-checks';

function shapeOf(query: string) {
  const document = parse(query);
  const operation = getOperationAST(document);
  if (!operation) throw new Error('no operation');
  return measureOperation(document, operation);
}

const LIMITS = { maxDepth: 15, maxAliases: 15, maxRootFields: 20, maxDirectivesPerField: 5 };

describe('measureOperation', () => {
  it('when fields nest, then depth counts the deepest chain and fragments add their own depth', () => {
    expect(shapeOf('{ a { b { c } } d }').depth).toBe(3);
    expect(shapeOf('{ a { ...F } } fragment F on T { b { c { d } } }').depth).toBe(4);
  });

  it('when aliases are spread through a fragment twice, then each use counts', () => {
    expect(shapeOf('{ a { ...F } b { ...F } } fragment F on T { x: y z: w }').aliases).toBe(4);
  });

  it('when root fields come from fragments, then they count as root fields', () => {
    expect(shapeOf('{ a b ...R } fragment R on Query { c d }').rootFields).toBe(4);
  });

  it('when a field carries many directives, then the largest count on one field is reported', () => {
    expect(shapeOf('{ a @skip(if: false) @include(if: true) @x @y { b @z } }').maxDirectivesPerField).toBe(4);
  });

  it('when fragments double at every level, then measuring stays linear and the counts exponential', () => {
    const levels = 30;
    const fragments = Array.from({ length: levels }, (_, i) =>
      i === levels - 1 ? `fragment F${i} on T { x: y }` : `fragment F${i} on T { ...F${i + 1} ...F${i + 1} }`,
    ).join('\n');
    expect(shapeOf(`{ a { ...F0 } } ${fragments}`).aliases).toBe(2 ** (levels - 1));
  });

  it('when the standard introspection query is measured, then it fits the default limits', () => {
    const shape = shapeOf(getIntrospectionQuery());
    expect(checkOperationShape(shape, LIMITS)).toBeNull();
    expect(countTokens(getIntrospectionQuery(), 2000)).toBeLessThan(2000);
  });
});

describe('checkOperationShape', () => {
  it('when one limit is exceeded, then its own code and the actual and maximum values are returned', () => {
    const deep = `{ ${'a { '.repeat(16)}b${' }'.repeat(16)} }`;
    expect(checkOperationShape(shapeOf(deep), LIMITS)).toEqual({ code: 'DEPTH_LIMIT_EXCEEDED', extensions: { depth: { actual: 17, max: 15 } } });
    const aliases = `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: a`).join(' ')} }`;
    expect(checkOperationShape(shapeOf(aliases), LIMITS)?.code).toBe('ALIAS_LIMIT_EXCEEDED');
    const roots = `{ ${Array.from({ length: 21 }, (_, i) => `f${i}`).join(' ')} }`;
    expect(checkOperationShape(shapeOf(roots), LIMITS)?.code).toBe('ROOT_FIELD_LIMIT_EXCEEDED');
    expect(checkOperationShape(shapeOf('{ a @a @b @c @d @e @f }'), LIMITS)?.code).toBe('DIRECTIVE_LIMIT_EXCEEDED');
  });

  it('when every measure is at its limit, then nothing is refused', () => {
    expect(checkOperationShape({ depth: 15, aliases: 15, rootFields: 20, maxDirectivesPerField: 5 }, LIMITS)).toBeNull();
  });
});

describe('checkGraphQLRequest (before parsing)', () => {
  const opts = { maxTokens: 10, batching: false as const };

  it('when the document has more tokens than allowed, then TOKEN_LIMIT_EXCEEDED, from the POST body or the GET query string', () => {
    const big = `{ ${'a '.repeat(20)}}`;
    expect(checkGraphQLRequest({ query: big }, '', opts)?.code).toBe('TOKEN_LIMIT_EXCEEDED');
    expect(checkGraphQLRequest(undefined, `?query=${encodeURIComponent(big)}`, opts)?.code).toBe('TOKEN_LIMIT_EXCEEDED');
    expect(checkGraphQLRequest({ query: '{ a b c }' }, '', opts)).toBeNull();
  });

  it('when comments pad the document, then they are not tokens (as in graphql-js)', () => {
    expect(countTokens(`# ${'x'.repeat(1000)}\n{ a }`, 100)).toBe(3);
  });

  it('when counting a huge document, then counting stops just past the limit', () => {
    expect(countTokens(`{ ${'a '.repeat(100_000)}}`, 50)).toBe(51);
  });

  it('when a JSON array arrives while batching is off, then BATCHING_DISABLED', () => {
    expect(checkGraphQLRequest([{ query: '{ a }' }], '', opts)?.code).toBe('BATCHING_DISABLED');
  });

  it('when batching is on, then batches above the maximum are refused and each entry is token-checked', () => {
    const batching = { maxTokens: 10, batching: { maxBatchSize: 2 } };
    expect(checkGraphQLRequest([{ query: '{ a }' }, { query: '{ b }' }, { query: '{ c }' }], '', batching)).toEqual({
      code: 'BATCH_LIMIT_EXCEEDED',
      extensions: { batchSize: { actual: 3, max: 2 } },
    });
    expect(checkGraphQLRequest([{ query: '{ a }' }, { query: `{ ${'a '.repeat(20)}}` }], '', batching)?.code).toBe('TOKEN_LIMIT_EXCEEDED');
    expect(checkGraphQLRequest([{ query: '{ a }' }, { query: '{ b }' }], '', batching)).toBeNull();
  });
});
