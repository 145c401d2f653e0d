import { Writable } from 'node:stream';
import { createLogger } from '../../gateway/src/logger';
import { postGraphQL, startStack, type Stack } from '../helpers/stack';
import { bearer } from '../helpers/tokens';
import { sample } from '../helpers/prometheus';

/** Every log line the gateway writes, parsed. */
function captureLog(): { lines: Array<Record<string, unknown>>; text: () => string; stream: Writable } {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw.push(chunk.toString());
      done();
    },
  });
  return {
    stream,
    text: () => raw.join(''),
    get lines() {
      return raw.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    },
  };
}

const LITE = 'query Lite($id: ID!) { user(id: $id) { id name wishlist { count } } }';

describe('metrics and request logs', () => {
  const log = captureLog();
  let stack: Stack;
  let metricsText: string;
  const secretToken = 'not.a.real-token-but-secret';

  beforeAll(async () => {
    stack = await startStack({
      subgraphs: ['users', 'wishlist'],
      env: { MAX_BODY_BYTES: '2048', LOG_LEVEL: 'debug' },
      gatewayDeps: { log: createLogger({ level: 'debug', pretty: false, destination: log.stream }) },
    });
    // A known sequence: two whole answers, one refused, one bad token, one partial (wishlist down).
    await stack.query(LITE, { id: '1' }, await bearer('1'));
    await stack.query(LITE, { id: '2' }, await bearer('2'));
    await postGraphQL(stack.gatewayUrl, { query: `{ user(id: "1") { id } } # ${'x'.repeat(4096)}` });
    await stack.query(LITE, { id: '3' }, { authorization: `Bearer ${secretToken}` });
    await stack.stopSubgraph('wishlist');
    await stack.query(LITE, { id: '4' }, await bearer('4'));
    metricsText = await (await fetch(stack.gatewayUrl.replace('/graphql', '/metrics'))).text();
  });
  afterAll(() => stack?.stop());

  it('when requests succeed, then they are counted by operation name, type and outcome with a duration', () => {
    expect(sample(metricsText, 'frontdoor_graphql_requests_total', { operation_name: 'Lite', operation_type: 'query', outcome: 'success' })).toBe(2);
    expect(sample(metricsText, 'frontdoor_graphql_request_duration_seconds_count', { operation_name: 'Lite', outcome: 'success' })).toBe(2);
  });

  it('when a subgraph is down, then the partial answer and the failed fetch are counted', () => {
    expect(sample(metricsText, 'frontdoor_graphql_requests_total', { operation_name: 'Lite', outcome: 'partial' })).toBe(1);
    expect(sample(metricsText, 'frontdoor_subgraph_fetches_total', { subgraph: 'wishlist', outcome: 'unavailable' })).toBeGreaterThanOrEqual(1);
    expect(sample(metricsText, 'frontdoor_subgraph_fetches_total', { subgraph: 'users', outcome: 'ok' })).toBe(3);
    expect(sample(metricsText, 'frontdoor_graphql_errors_total', { code: 'SUBGRAPH_UNAVAILABLE' })).toBe(1);
  });

  it('when requests are refused before GraphQL runs, then rejections and errors are counted by code', () => {
    expect(sample(metricsText, 'frontdoor_rejections_total', { code: 'PAYLOAD_TOO_LARGE' })).toBe(1);
    expect(sample(metricsText, 'frontdoor_graphql_errors_total', { code: 'UNAUTHENTICATED' })).toBe(1);
    expect(sample(metricsText, 'frontdoor_graphql_requests_total', { outcome: 'rejected' })).toBe(2);
  });

  it('when scraped, then cost, breaker state, cache and process metrics are there too', () => {
    expect(sample(metricsText, 'frontdoor_operation_estimated_cost_count')).toBe(3);
    expect(sample(metricsText, 'frontdoor_subgraph_circuit_state', { subgraph: 'users' })).toBe(0);
    expect(metricsText).toContain('frontdoor_cache_lookups_total{cache="plan",result="miss"}');
    expect(sample(metricsText, 'frontdoor_process_cpu_user_seconds_total')).toBeGreaterThan(0);
    // No label carries a caller: user ids and client IPs are unbounded.
    expect(metricsText).not.toMatch(/principal|user_id|client_ip|127\.0\.0\.1/);
  });

  it('when requests complete, then each gets exactly one request line with its id, status, codes and caller', () => {
    const done = log.lines.filter((l) => l.msg === 'request completed');
    expect(done).toHaveLength(5);
    const ok = done.find((l) => l.principalId === '1');
    expect(ok).toMatchObject({ operationName: 'Lite', status: 200, errorCodes: [], requestId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/) });
    expect(ok?.cost).toEqual({ estimated: expect.any(Number), actual: expect.any(Number) });
    expect(done.map((l) => l.status).sort()).toEqual([200, 200, 200, 401, 413]);
    expect(done.find((l) => l.status === 401)).toMatchObject({ errorCodes: ['UNAUTHENTICATED'] });
  });

  it('when a bad token is sent, then no log line at any level contains it', () => {
    expect(log.text()).not.toContain(secretToken);
    expect(log.text()).not.toMatch(/Bearer /);
  });
});
