import { startStack, type Stack } from '../helpers/stack';

/**
 * Each limit with a small configured value (our schema has no recursive types, so the default
 * depth of 15 cannot be reached by a valid operation), in production mode.
 */
describe('operation limits', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      subgraphs: ['users'],
      env: {
        NODE_ENV: 'production',
        // Production refuses the public development identity secret; startStack gives it to the subgraphs too.
        SUBGRAPH_IDENTITY_SECRET: 'production-test-identity-secret-0123456789',
        MAX_DEPTH: '3',
        MAX_ALIASES: '2',
        MAX_ROOT_FIELDS: '3',
        MAX_DIRECTIVES_PER_FIELD: '1',
        MAX_TOKENS: '60',
        MAX_BODY_BYTES: '4096',
      },
    });
  });
  afterAll(() => stack?.stop());

  /** Sends `body` and expects the whole operation refused with `code` before any subgraph call. */
  async function expectRefused(body: unknown, code: string, status = 400) {
    stack.clearRecordedRequests();
    const res = await fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await res.json()) as { errors?: Array<{ extensions?: Record<string, unknown> }> };
    expect(res.status).toBe(status);
    expect(json.errors?.[0]?.extensions?.code).toBe(code);
    expect(stack.subgraphs.users?.requests).toHaveLength(0);
    return json.errors?.[0]?.extensions;
  }

  it('when an operation is within every limit, then it is served', async () => {
    const res = await stack.query('{ user(id: "1") { id name } }');
    expect(res.status).toBe(200);
  });

  it('when it nests deeper than MAX_DEPTH, then 400 DEPTH_LIMIT_EXCEEDED with the depth', async () => {
    const ext = await expectRefused({ query: '{ users { edges { node { id } } } }' }, 'DEPTH_LIMIT_EXCEEDED');
    expect(ext?.depth).toEqual({ actual: 4, max: 3 });
  });

  it('when it uses more aliases than MAX_ALIASES (an alias bomb), then 400 ALIAS_LIMIT_EXCEEDED', async () => {
    await expectRefused({ query: '{ a: user(id: "1") { id } b: user(id: "2") { id } c: user(id: "3") { id } }' }, 'ALIAS_LIMIT_EXCEEDED');
  });

  it('when it selects more root fields than MAX_ROOT_FIELDS, then 400 ROOT_FIELD_LIMIT_EXCEEDED', async () => {
    await expectRefused({ query: '{ me { id } user(id: "1") { id } users { pageInfo { hasNextPage } } ...R } fragment R on Query { me { name } }' }, 'ROOT_FIELD_LIMIT_EXCEEDED');
  });

  it('when one field carries more directives than MAX_DIRECTIVES_PER_FIELD, then 400 DIRECTIVE_LIMIT_EXCEEDED', async () => {
    const ext = await expectRefused({ query: '{ user(id: "1") @include(if: true) @skip(if: false) { id } }' }, 'DIRECTIVE_LIMIT_EXCEEDED');
    expect(ext?.directives).toEqual({ actual: 2, max: 1 });
  });

  it('when directives are flooded onto a field (directive overloading), then the token limit refuses it before validation does any work', async () => {
    await expectRefused({ query: `{ user(id: "1") { id ${'@x '.repeat(40)}} }` }, 'TOKEN_LIMIT_EXCEEDED');
  });

  it('when the document has more tokens than MAX_TOKENS, then 400 TOKEN_LIMIT_EXCEEDED before it is parsed', async () => {
    const ext = await expectRefused({ query: `{ user(id: "1") { ${'id '.repeat(80)}} }` }, 'TOKEN_LIMIT_EXCEEDED');
    expect(ext?.tokens).toEqual({ max: 60 });
    // A document that would not even parse is refused for its size first: parsing is the work avoided.
    await expectRefused({ query: `{ ${'{ '.repeat(70)}` }, 'TOKEN_LIMIT_EXCEEDED');
  });

  it('when the body is larger than MAX_BODY_BYTES, then 413 PAYLOAD_TOO_LARGE', async () => {
    await expectRefused({ query: `{ user(id: "1") { id } } # ${'x'.repeat(5000)}` }, 'PAYLOAD_TOO_LARGE', 413);
  });

  it('when a JSON array of operations arrives while batching is off, then 400 BATCHING_DISABLED', async () => {
    await expectRefused([{ query: '{ me { id } }' }, { query: '{ me { id } }' }], 'BATCHING_DISABLED');
  });

  it('when a field name is misspelt in production, then the validation error does not suggest the right one', async () => {
    const res = await stack.query('{ user(id: "1") { nme } }');
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.body.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });
});

describe('field suggestions in development', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ subgraphs: ['users'] });
  });
  afterAll(() => stack?.stop());

  it('when a field name is misspelt outside production, then the error suggests the right one', async () => {
    const res = await stack.query('{ user(id: "1") { nme } }');
    expect(res.body.errors?.[0]?.message).toMatch(/Did you mean "name"\?/);
  });
});

describe('batching when allowed', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ subgraphs: ['users'], env: { ALLOW_BATCHED_REQUESTS: 'true', MAX_BATCH_SIZE: '2' } });
  });
  afterAll(() => stack?.stop());

  it('when a batch is within MAX_BATCH_SIZE, then each operation is answered; above it, 400 BATCH_LIMIT_EXCEEDED', async () => {
    const post = (body: unknown) => fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const ok = await post([{ query: '{ user(id: "1") { id } }' }, { query: '{ user(id: "2") { id } }' }]);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as Array<{ data: unknown }>).map((r) => r.data)).toEqual([{ user: { id: '1' } }, { user: { id: '2' } }]);

    const tooMany = await post([{ query: '{ me { id } }' }, { query: '{ me { id } }' }, { query: '{ me { id } }' }]);
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('BATCH_LIMIT_EXCEEDED');
  });
});
