import { postGraphQL, startStack, type Stack } from '../helpers/stack';

describe('gateway HTTP front door', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ subgraphs: ['users'], env: { MAX_BODY_BYTES: '2048' } });
  });
  afterAll(() => stack?.stop());

  const base = () => stack.gatewayUrl.replace(/\/graphql$/, '');

  it('when /health is asked, then it answers 200 without touching GraphQL', async () => {
    const res = await fetch(`${base()}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('when /ready is asked after start, then every check passes', async () => {
    const res = await fetch(`${base()}/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { lifecycle: 'ok', supergraph: 'ok', circuits: 'ok' } });
  });

  it('when the path is unknown, then 404 NOT_FOUND in the GraphQL error shape', async () => {
    const res = await fetch(`${base()}/nope`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('NOT_FOUND');
  });

  it('when the body is larger than MAX_BODY_BYTES, then 413 PAYLOAD_TOO_LARGE and the next request is served', async () => {
    const big = await postGraphQL(stack.gatewayUrl, { query: `{ user(id: "1") { id } } # ${'x'.repeat(4096)}` });
    expect(big.status).toBe(413);
    expect(big.body.errors?.[0]?.extensions).toEqual({ code: 'PAYLOAD_TOO_LARGE', maxBodyBytes: 2048 });

    const next = await stack.query('{ user(id: "1") { id } }');
    expect(next.status).toBe(200);
    expect(next.body.data).toEqual({ user: { id: '1' } });
  });

  it('when the body is not JSON, then 400 BAD_REQUEST', async () => {
    const res = await fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('BAD_REQUEST');
  });

  it('when the operation does not parse, then 400 GRAPHQL_PARSE_FAILED', async () => {
    const res = await stack.query('{ user(id: "1") { id ');
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('when the operation selects an unknown field, then 400 GRAPHQL_VALIDATION_FAILED', async () => {
    const res = await stack.query('{ user(id: "1") { password } }');
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('when a browser opens the GraphQL URL in development, then Apollo Sandbox is served', async () => {
    const res = await fetch(stack.gatewayUrl, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('sandbox');
  });

  it('when a browser opens the root URL, then it is sent to /graphql', async () => {
    const res = await fetch(`${base()}/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/graphql');
  });

  it('when introspection is asked in development, then it is answered', async () => {
    const res = await stack.query('{ __schema { queryType { name } } }');
    expect(res.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });
});

describe('gateway in production mode', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ subgraphs: ['users'], env: { NODE_ENV: 'production', SUBGRAPH_IDENTITY_SECRET: 'production-test-identity-secret-0123456789' } });
  });
  afterAll(() => stack?.stop());

  it('when introspection is asked, then it is refused with GRAPHQL_VALIDATION_FAILED', async () => {
    const res = await stack.query('{ __schema { queryType { name } } }');
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('when a browser opens the GraphQL URL, then no Sandbox page is served', async () => {
    const res = await fetch(stack.gatewayUrl, { headers: { accept: 'text/html' } });
    expect(await res.text()).not.toContain('sandbox');
  });
});
