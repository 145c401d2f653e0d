import { postGraphQL, startStack, type Stack } from '../helpers/stack';

const TWO_OPERATIONS = 'query A { __typename } query B { user(id: "1") { id } }';

describe('picking the operation to run', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ subgraphs: ['users'] });
  });
  afterAll(() => stack?.stop());

  it('when operationName names no operation of the document, then 400 OPERATION_RESOLUTION_FAILURE and nothing reaches a subgraph', async () => {
    stack.clearRecordedRequests();
    const res = await postGraphQL(stack.gatewayUrl, { query: TWO_OPERATIONS, operationName: 'C' });
    expect(res.status).toBe(400);
    expect(res.body.errors?.map((e) => e.extensions?.code)).toEqual(['OPERATION_RESOLUTION_FAILURE']);
    expect(stack.subgraphs.users?.requests).toHaveLength(0);
  });

  it('when a document has several operations and no operationName, then 400 OPERATION_RESOLUTION_FAILURE', async () => {
    const res = await postGraphQL(stack.gatewayUrl, { query: TWO_OPERATIONS });
    expect(res.status).toBe(400);
    expect(res.body.errors?.map((e) => e.extensions?.code)).toEqual(['OPERATION_RESOLUTION_FAILURE']);
  });

  it('when a GET names an unknown operation, then 400 OPERATION_RESOLUTION_FAILURE', async () => {
    const url = `${stack.gatewayUrl}?${new URLSearchParams({ query: TWO_OPERATIONS, operationName: 'Nope' }).toString()}`;
    const res = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('OPERATION_RESOLUTION_FAILURE');
  });

  it('when operationName names one of them, then that one runs', async () => {
    const res = await postGraphQL(stack.gatewayUrl, { query: TWO_OPERATIONS, operationName: 'B' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { user: { id: '1' } }, extensions: expect.anything() });
  });
});
