import { postGraphQL, startStack, type Stack } from '../helpers/stack';
import { bearer } from '../helpers/tokens';
import { upstreamsLive } from '../helpers/subscription-fixtures';
import { multipartSubscribe, sseSubscribe } from '../helpers/stream-clients';

const REVIEWS = 'subscription { reviewAdded(productSku: "SKU-004") { productSku rating author { id name } } }';
const ADD_REVIEW = 'mutation { addReview(input: { productSku: "SKU-004", rating: 5, body: "great" }) { id } }';

/** Subscriptions over HTTP: Apollo Client's multipart protocol and GraphQL over SSE, with real HTTP. */
describe('subscriptions over HTTP multipart and SSE', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ subgraphs: ['users', 'reviews'], env: { SUBSCRIPTION_HEARTBEAT_MS: '200' } });
  });
  afterAll(() => stack.stop());
  afterEach(() => upstreamsLive(stack.subgraphs.reviews, 0));

  it('when a review is added, then the multipart stream carries it enriched from users, between heartbeats', async () => {
    // Arrange
    const sub = await multipartSubscribe(stack.gatewayUrl, REVIEWS);
    await upstreamsLive(stack.subgraphs.reviews, 1);

    // Act
    await stack.query(ADD_REVIEW, {}, await bearer('12'));
    await sub.waitFor((s) => s.payloads().length === 1 && s.parts.some((p) => Object.keys(p).length === 0), 'an event and a heartbeat');

    // Assert
    expect(sub.status).toBe(200);
    expect(sub.headers.get('content-type')).toBe('multipart/mixed;boundary="graphql";subscriptionSpec="1.0"');
    expect(sub.payloads()[0]).toEqual({ data: { reviewAdded: { productSku: 'SKU-004', rating: 5, author: { id: '12', name: expect.any(String) } } } });
    sub.abort();
  });

  it('when the client aborts the request, then the upstream subscription is closed', async () => {
    // Arrange
    const sub = await multipartSubscribe(stack.gatewayUrl, REVIEWS);
    await upstreamsLive(stack.subgraphs.reviews, 1);

    // Act
    sub.abort();

    // Assert
    await upstreamsLive(stack.subgraphs.reviews, 0);
  });

  it('when the token is bad, then multipart is refused with 401 before anything streams', async () => {
    // Act
    const sub = await multipartSubscribe(stack.gatewayUrl, REVIEWS, { authorization: 'Bearer nope' });

    // Assert
    expect(sub.status).toBe(401);
    expect(sub.refusal?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('when a subscription is POSTed as plain JSON, then it is refused with SUBSCRIPTION_TRANSPORT_UNSUPPORTED', async () => {
    // Act
    const res = await postGraphQL(stack.gatewayUrl, { query: REVIEWS });

    // Assert
    expect(res.status).toBe(406);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('SUBSCRIPTION_TRANSPORT_UNSUPPORTED');
  });

  it('when a review is added, then the graphql-sse client receives it', async () => {
    // Arrange
    const sub = sseSubscribe(stack.gatewayUrl, REVIEWS);
    await upstreamsLive(stack.subgraphs.reviews, 1);

    // Act
    await stack.query(ADD_REVIEW, {}, await bearer('13'));
    await sub.results(1);

    // Assert
    expect(sub.state.received[0]?.data).toEqual({ reviewAdded: { productSku: 'SKU-004', rating: 5, author: { id: '13', name: expect.any(String) } } });
    sub.dispose();
  });

  it('when the token is bad over SSE, then the client gets the UNAUTHENTICATED result and the end at once (no retries)', async () => {
    // Act
    const sub = sseSubscribe(stack.gatewayUrl, REVIEWS, { authorization: 'Bearer nope' });
    await sub.ended();

    // Assert
    expect(sub.state.received[0]?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(sub.state.completed).toBe(true);
  });

  it('when a query is sent over SSE, then its result comes as one event and the stream completes', async () => {
    // Act
    const sub = sseSubscribe(stack.gatewayUrl, '{ user(id: "2") { id } }');
    await sub.ended();

    // Assert
    expect(sub.state.received.map((r) => r.data)).toEqual([{ user: { id: '2' } }]);
    expect(sub.state.completed).toBe(true);
  });
});
