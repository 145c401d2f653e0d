import { buildSchema, type GraphQLInputType } from 'graphql';
import { answerFrom } from '../../gateway/src/rest/answer';
import { noneMatch, strongEtag } from '../../gateway/src/rest/http-caching';
import { checkJson, coerceText, type VariablePlan } from '../../gateway/src/rest/variables';

const schema = buildSchema(`
  enum Color { RED GREEN }
  input Line { sku: String!, quantity: Int! }
  input Order { lines: [Line!]! }
  type Query { x(a: Int, b: Boolean, c: Color, d: [Int!], e: Float, o: Order): Int }
`);
const arg = (name: string): GraphQLInputType => schema.getQueryType()!.getFields().x!.args.find((a) => a.name === name)!.type;
const plan = (name: string, source: VariablePlan['source'] = 'query'): VariablePlan => ({ name, source, type: arg(name), required: false });

describe('REST variable coercion', () => {
  it.each([
    ['a', '42', 42],
    ['a', '-2147483648', -2147483648],
    ['b', 'true', true],
    ['c', 'GREEN', 'GREEN'],
    ['e', '1.5', 1.5],
  ])('when %s=%s, then the variable is %p', (name, raw, value) => {
    expect(coerceText(plan(name), raw)).toEqual({ ok: true, value });
  });

  it.each([
    ['a', '4.2'],
    ['a', '2147483648'],
    ['a', ''],
    ['b', 'yes'],
    ['c', 'BLUE'],
    ['e', 'Infinity'],
  ])('when %s=%p, then it is refused naming the parameter', (name, raw) => {
    expect(coerceText(plan(name), raw)).toMatchObject({ ok: false, problem: { parameter: name, in: 'query' } });
  });

  it('when a list parameter repeats, then every value is coerced; a scalar given twice is refused', () => {
    expect(coerceText(plan('d'), ['1', '2'])).toEqual({ ok: true, value: [1, 2] });
    expect(coerceText(plan('d'), ['1', 'x'])).toMatchObject({ ok: false, problem: { parameter: 'd', expected: 'a list of Int' } });
    expect(coerceText(plan('a'), ['1', '2'])).toMatchObject({ ok: false, problem: { parameter: 'a' } });
  });

  it('when a JSON body member is mistyped deep inside, then the problem names its full path', () => {
    const result = checkJson(plan('o', 'body'), { lines: [{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 'x' }] });
    expect(result).toEqual({ ok: false, problem: { parameter: 'o.lines[1].quantity', in: 'body', expected: 'Int' } });
  });
});

describe('REST answers from GraphQL responses', () => {
  const never = () => false;
  const answer = (body: unknown, opts: { status?: number; anonymous?: boolean; nullsPick?: (below: ReadonlyArray<string | number>) => boolean } = {}) =>
    answerFrom(opts.status ?? 200, JSON.stringify(body), ['user'], opts.anonymous ?? false, opts.nullsPick ?? never);
  const unauthorized = { message: 'x', path: ['user'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } };

  it('when the pick is there with errors elsewhere, then 200 with the picked object and the errors beside it', () => {
    const result = answer({ data: { user: { id: '1', orders: null } }, errors: [{ message: 'x', path: ['user', 'orders'], extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }] });
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ id: '1', orders: null, errors: [expect.objectContaining({ extensions: { code: 'SUBGRAPH_UNAVAILABLE' } })] });
  });

  it('when filter mode nulled the pick, then 401 for an anonymous caller and 403 for a signed-in one', () => {
    expect(answer({ data: { user: null }, errors: [unauthorized] }, { anonymous: true })).toMatchObject({ status: 401, headers: { 'www-authenticate': 'Bearer' } });
    expect(answer({ data: { user: null }, errors: [unauthorized] }).status).toBe(403);
  });

  it('when an error below the pick could not have nulled it, then the null pick is 404 NOT_FOUND', () => {
    const below = { message: 'x', path: ['user', 'email'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } };
    expect(answer({ data: { user: null }, errors: [below] })).toMatchObject({ status: 404, errorCodes: ['NOT_FOUND'] });
    expect(answer({ data: { user: null }, errors: [below] }, { nullsPick: () => true }).status).toBe(403);
  });

  it.each([
    ['SUBGRAPH_TIMEOUT', 503],
    ['DOWNSTREAM_SERVICE_ERROR', 502],
    ['RATE_LIMITED', 429],
    ['BAD_USER_INPUT', 400],
    ['NOT_FOUND', 404],
    ['SOMETHING_ELSE', 500],
  ])('when a %s error explains the null pick, then the status is %i', (code, status) => {
    expect(answer({ data: { user: null }, errors: [{ message: 'x', extensions: { code } }] }).status).toBe(status);
  });

  it('when Apollo Server refused the operation, then its status and errors pass through', () => {
    const result = answer({ errors: [{ message: 'x', extensions: { code: 'THROTTLED' } }] }, { status: 429 });
    expect(result).toMatchObject({ status: 429, errorCodes: ['THROTTLED'] });
  });
});

describe('REST HTTP validators', () => {
  it('when If-None-Match lists the tag (weakly, among others, or *), then it matches', () => {
    const tag = strongEtag('{"a":1}');
    expect(noneMatch(tag, tag)).toBe(true);
    expect(noneMatch(`"x", W/${tag}`, tag)).toBe(true);
    expect(noneMatch('*', tag)).toBe(true);
    expect(noneMatch('"x"', tag)).toBe(false);
    expect(noneMatch(undefined, tag)).toBe(false);
    expect(strongEtag('{"a":2}')).not.toBe(tag);
  });
});
