import fc from 'fast-check';

/**
 * JSON values a hostile client sends: every JSON type, odd Unicode, numbers at the edges of what
 * JSON.parse and GraphQL's Int/Float accept, very long strings, very deep nesting.
 */

/** Strings people do not expect: controls, lone surrogates, BOM, bidi overrides, combining marks, emoji, NUL. */
const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\uD800',
  '\uDFFF',
  '\uFEFF',
  '\u202E',
  'e\u0301\u0301\u0301',
  '🙂👨‍👩‍👧‍👦',
  '\r\n\t\u2028\u2029',
  '"quoted"',
  '\\',
  '%00',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '${x}',
  '__proto__',
  'constructor',
  'null',
  'query',
  '1',
];

export const oddString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string() },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 3, arbitrary: fc.constantFrom(...ODD_STRINGS) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 300_000 }).map((n) => 'x'.repeat(n)) },
);

const edgeNumber = fc.constantFrom(0, -0, 1, -1, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER + 2, 1e308, -1e308, 5e-324, 0.5);

/** A value nested up to 1000 levels deep (arrays or objects); deeper ones are built as text (http-arbitraries.ts), as JSON.stringify would overflow. */
export const deepValue: fc.Arbitrary<unknown> = fc
  .tuple(fc.integer({ min: 20, max: 1_000 }), fc.boolean(), fc.constantFrom<unknown>(null, 1, 'x', true))
  .map(([depth, arrays, leaf]) => {
    let value: unknown = leaf;
    for (let i = 0; i < depth; i += 1) value = arrays ? [value] : { a: value };
    return value;
  });

/** Any JSON value, biased towards the odd ones. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: oddString },
  { weight: 2, arbitrary: edgeNumber },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}) },
  { weight: 1, arbitrary: deepValue },
  { weight: 1, arbitrary: fc.array(fc.constant(1), { minLength: 1_000, maxLength: 20_000 }) },
  { weight: 1, arbitrary: fc.dictionary(oddString, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 5 }) },
);
