import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createSubgraph } from '../../subgraphs/registry';
import { startSubgraph, type SubgraphHandle } from '../../subgraphs/shared/server';
import { freePort } from '../helpers/ports';
import { postGraphQL, startStack, type Stack } from '../helpers/stack';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

describe('trace context without span export', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ subgraphs: ['users', 'wishlist'] });
  });
  afterAll(() => stack?.stop());

  it('when a client sends traceparent, then every subgraph call carries it unchanged', async () => {
    stack.clearRecordedRequests();
    await stack.query('{ user(id: "1") { id wishlist { count } } }', {}, { traceparent: PARENT, tracestate: 'vendor=1' });
    const seen = Object.values(stack.subgraphs).flatMap((s) => s?.requests ?? []);
    expect(seen.length).toBe(2);
    for (const r of seen) expect(r.headers).toMatchObject({ traceparent: PARENT, tracestate: 'vendor=1' });
  });
});

describe('span export over OTLP (a real gateway process)', () => {
  // The OTLP exporter loads its HTTP transport with a dynamic import(), which jest's module
  // sandbox cannot run; so this test starts the gateway the way production does (main.ts) and
  // points it at a stand-in collector.
  let collector: Server;
  let subgraphs: SubgraphHandle[];
  let child: ChildProcess;
  const exported: Array<{ traceId: string; name: string }> = [];

  beforeAll(async () => {
    collector = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const doc = JSON.parse(body || '{}') as { resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: Array<{ traceId: string; name: string }> }> }> };
        for (const rs of doc.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) for (const sp of ss.spans ?? []) exported.push(sp);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    subgraphs = await Promise.all(
      (['users', 'wishlist'] as const).map((n) => startSubgraph(createSubgraph(n), { logLevel: 'silent', recordRequests: true })),
    );
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await Promise.all((subgraphs ?? []).map((s) => s.stop()));
    if (collector) await new Promise((r) => collector.close(r));
  });

  it('when a client sends traceparent, then subgraphs get the same trace with the gateway span as parent, and spans are exported', async () => {
    const { port: collectorPort } = collector.address() as AddressInfo;
    const port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', 'gateway/src/main.ts'], {
      cwd: path.resolve(__dirname, '../..'),
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        REDIS_URL: '',
        SUBGRAPH_URL_USERS: subgraphs[0]?.url ?? '',
        SUBGRAPH_URL_WISHLIST: subgraphs[1]?.url ?? '',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${collectorPort}/v1/traces`,
      },
      stdio: 'ignore',
    });
    const url = `http://127.0.0.1:${port}/graphql`;
    for (let i = 0; i < 300; i += 1) {
      // /ready, not /health: the gateway listens before its supergraph has loaded.
      if (await fetch(url.replace('/graphql', '/ready')).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 100));
    }

    await postGraphQL(url, { query: '{ user(id: "1") { id wishlist { count } } }' }, { traceparent: PARENT });
    const seen = subgraphs.flatMap((s) => s.requests);
    expect(seen.length).toBe(2);
    for (const r of seen) {
      const [, traceId, spanId] = (r.headers.traceparent ?? '').split('-');
      expect(traceId).toBe(TRACE_ID);
      expect(spanId).not.toBe('00f067aa0ba902b7');
    }

    // Shutdown flushes the span batch.
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
    const ours = exported.filter((sp) => sp.traceId === TRACE_ID).map((sp) => sp.name);
    expect(ours).toEqual(expect.arrayContaining(['POST /graphql', 'gateway.request', 'gateway.fetch']));
  });
});
