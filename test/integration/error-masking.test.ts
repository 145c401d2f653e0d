import { Writable } from 'node:stream';
import pino from 'pino';
import { startFlakyProxy, type FlakyProxy } from '../helpers/flaky-proxy';
import { startStack, type Stack } from '../helpers/stack';

const QUERY = '{ user(id: "1") { id wishlist { count } } }';
const INTERNALS = /10\.1\.2\.3|db\.internal|\/srv\/app|at \w+ \(|ECONNREFUSED|127\.0\.0\.1|stack/;

describe('subgraph error details in production', () => {
  let stack: Stack;
  let proxy: FlakyProxy;
  const lines: Array<Record<string, unknown>> = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    proxy = await startFlakyProxy();
    stack = await startStack({
      subgraphs: ['users', 'wishlist'],
      // Production refuses the public development identity secret; startStack gives it to the subgraphs too.
      env: {
        NODE_ENV: 'production',
        SUBGRAPH_IDENTITY_SECRET: 'production-test-identity-secret-0123456789',
        SUBGRAPH_URL_WISHLIST: proxy.url,
        SUBGRAPH_RETRY_MAX: '0',
      },
      gatewayDeps: { log: pino({ level: 'debug' }, sink) },
    });
    proxy.targetUrl = stack.subgraphs.wishlist!.url;
  });
  afterAll(async () => {
    await stack?.stop();
    await proxy?.stop();
  });
  beforeEach(() => {
    lines.length = 0;
    proxy.heal();
  });

  it('when a subgraph answers 500 with a stack trace, then the client sees SUBGRAPH_UNAVAILABLE only and the log has the details with the request id', async () => {
    proxy.failNext(1, { status: 500, body: 'Error: connect ECONNREFUSED 10.1.2.3:5432\n    at Pool.connect (/srv/app/db.js:10:5)' });

    const res = await stack.query(QUERY, undefined, { 'x-request-id': 'mask-test-1' });

    expect(res.body.errors?.map((e) => e.extensions)).toEqual([{ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'wishlist' }]);
    expect(JSON.stringify(res.body)).not.toMatch(INTERNALS);
    const logged = lines.find((l) => l.msg === 'subgraph fetch failed');
    expect(logged).toMatchObject({ requestId: 'mask-test-1', subgraph: 'wishlist' });
  });

  it('when a subgraph returns an uncoded GraphQL error naming internals, then the client sees a fixed message and the log has the original', async () => {
    const leak = { errors: [{ message: 'connect ECONNREFUSED 10.1.2.3:5432 (db.internal) at Pool.connect (/srv/app/db.js:10:5)' }], data: null };
    proxy.failNext(1, { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(leak) });

    const res = await stack.query(QUERY, undefined, { 'x-request-id': 'mask-test-2' });

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ user: { id: '1', wishlist: null } });
    expect(res.body.errors?.map((e) => e.extensions?.serviceName)).toEqual(['wishlist']);
    expect(JSON.stringify(res.body)).not.toMatch(INTERNALS);
    const logged = lines.find((l) => l.msg === 'subgraph returned an uncoded error');
    expect(logged).toMatchObject({ requestId: 'mask-test-2', subgraphError: { message: leak.errors[0]!.message } });
  });

  it('when a subgraph is unreachable, then the connection error stays in the log', async () => {
    proxy.failNext(1, { status: 502, body: 'upstream connect error: 127.0.0.1:4004 ECONNREFUSED' });

    const res = await stack.query(QUERY, undefined, { 'x-request-id': 'mask-test-3' });

    expect(res.body.errors?.[0]?.extensions).toEqual({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'wishlist' });
    expect(JSON.stringify(res.body)).not.toMatch(INTERNALS);
  });

  it('when a subgraph error carries a code outside the table, then the client sees INTERNAL_SERVER_ERROR and the masked error line carries the request id', async () => {
    const odd = { errors: [{ message: 'pool exhausted at db.internal', extensions: { code: 'DB_POOL_EXHAUSTED' } }], data: null };
    proxy.failNext(1, { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(odd) });

    const res = await stack.query(QUERY, undefined, { 'x-request-id': 'mask-test-4' });

    expect(res.status).toBe(200);
    expect(res.body.errors?.map((e) => e.extensions?.code)).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(JSON.stringify(res.body)).not.toMatch(INTERNALS);
    expect(lines.find((l) => l.msg === 'masked error')).toMatchObject({ requestId: 'mask-test-4', level: 50 });
  });
});
