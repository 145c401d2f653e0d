import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../gateway/src/logger';
import { postGraphQL, startStack, type Stack } from '../helpers/stack';
import { bearer } from '../helpers/tokens';
import { sample } from '../helpers/prometheus';
import { seedUser } from '../../subgraphs/shared/seed';

/** Every log line the gateway writes, parsed. */
function captureLog(): { stream: Writable; lines(): Array<Record<string, unknown>> } {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw.push(chunk.toString());
      done();
    },
  });
  return { stream, lines: () => raw.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const client = (name: string, version?: string): Record<string, string> => ({
  'apollographql-client-name': name,
  ...(version ? { 'apollographql-client-version': version } : {}),
});

/** A caller of its own: the rate limit and budget count per caller, so tests do not share counts. */
const freshCaller = (claims: Record<string, unknown> = {}): Promise<Record<string, string>> => bearer(`client-test-${randomUUID()}`, '', claims);

const CHEAP = '{ user(id: "1") { id } }'; // cost 1
const DEARER = '{ user(id: "1") { id wishlist { count } } }'; // cost 2
const INTROSPECT = '{ __schema { queryType { name } } }';
const LISTED = 'query Listed($id: ID!) { user(id: $id) { id name } }';
const LISTED_ID = createHash('sha256').update(LISTED).digest('hex');

function writeManifest(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'frontdoor-client-manifest-'));
  const file = path.join(dir, 'manifest.json');
  const manifest = { format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: LISTED_ID, name: 'Listed', type: 'query', body: LISTED }] };
  writeFileSync(file, JSON.stringify(manifest));
  return file;
}

describe('client policies: limits, allowed operations and introspection per client (Redis, real subgraphs)', () => {
  const log = captureLog();
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      subgraphs: ['users', 'wishlist'],
      redis: true,
      env: {
        PERSISTED_QUERIES_MANIFEST: writeManifest(),
        CLIENT_POLICIES: JSON.stringify({
          mobile: { rateLimitPerMinute: 3, costMax: 1, introspection: false },
          web: { rateLimitPerMinute: 100 },
          kiosk: { rateLimitPerMinute: 5 },
          partner: { requireToken: true, operations: 'persisted', rateLimitPerMinute: 3 },
          budgeted: { costMax: 2, costBudgetCapacity: 3, costBudgetRestorePerSecond: 1 },
        }),
      },
      gatewayDeps: { log: createLogger({ level: 'info', pretty: false, destination: log.stream }) },
    });
  });
  afterAll(() => stack?.stop());

  it('when mobile (3/min) sends a 4th request, then it gets 429 while the same caller as web (100/min) continues', async () => {
    // Arrange
    const caller = await freshCaller();
    const statuses: number[] = [];

    // Act
    for (let i = 0; i < 4; i += 1) statuses.push((await stack.query(CHEAP, {}, { ...caller, ...client('mobile') })).status);
    const mobileAgain = await stack.query(CHEAP, {}, { ...caller, ...client('mobile') });
    const web = await stack.query(CHEAP, {}, { ...caller, ...client('web') });

    // Assert
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(mobileAgain.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(mobileAgain.headers.get('ratelimit-limit')).toBe('3');
    expect(web.status).toBe(200);
    expect(web.body.data).toEqual({ user: { id: '1' } });
    expect(web.headers.get('ratelimit-limit')).toBe('100');
  });

  it('when a caller switches its header from mobile to kiosk, then the count continues: the header never adds allowances', async () => {
    // Arrange: three mobile requests use up mobile's 3
    const caller = await freshCaller();
    for (let i = 0; i < 3; i += 1) expect((await stack.query(CHEAP, {}, { ...caller, ...client('mobile') })).status).toBe(200);

    // Act: kiosk's ceiling is 5 for the same count, so two more pass, then 429
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await stack.query(CHEAP, {}, { ...caller, ...client('kiosk') })).status);

    // Assert
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('when an operation costs more than mobile\'s costMax, then mobile gets COST_ESTIMATED_TOO_EXPENSIVE and web runs it', async () => {
    const mobile = await stack.query(DEARER, {}, { ...(await freshCaller()), ...client('mobile') });
    const web = await stack.query(DEARER, {}, { ...(await freshCaller()), ...client('web') });

    expect(mobile.status).toBe(400);
    expect(mobile.body.errors?.[0]?.extensions).toMatchObject({ code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: { estimated: 2, max: 1 } });
    expect(web.status).toBe(200);
    expect(web.body.data).toEqual({ user: { id: '1', wishlist: { count: expect.any(Number) } } });
    expect(web.body.extensions?.cost).toMatchObject({ requestedQueryCost: 2 });
  });

  it('when the partner (named by its token) sends an operation that is not persisted, then 403 PERSISTED_QUERY_NOT_IN_LIST; a persisted one runs', async () => {
    // Arrange: the token's claim names the client; the header says otherwise and is ignored
    const partner = { ...(await freshCaller({ client_name: 'partner' })), ...client('web') };

    // Act
    const adHoc = await stack.query(CHEAP, {}, partner);
    const byId = await postGraphQL(stack.gatewayUrl, { variables: { id: '2' }, extensions: { persistedQuery: { version: 1, sha256Hash: LISTED_ID } } }, partner);
    const byListedBody = await stack.query(LISTED, { id: '3' }, partner);

    // Assert
    expect(adHoc.status).toBe(403);
    expect(adHoc.body.errors?.[0]?.extensions).toMatchObject({ code: 'PERSISTED_QUERY_NOT_IN_LIST', client: 'partner' });
    expect(adHoc.body.data).toBeUndefined();
    expect(byId.status).toBe(200);
    expect(byId.body.data).toEqual({ user: { id: '2', name: seedUser('2').name } });
    expect(byListedBody.body.data).toEqual({ user: { id: '3', name: seedUser('3').name } });
  });

  it('when the token names the partner, then its rate limit counts in its own keys, apart from the same user without the claim', async () => {
    // Arrange: one user, two tokens
    const sub = `client-test-${randomUUID()}`;
    const asPartner = await bearer(sub, '', { client_name: 'partner' });
    const byId = { variables: { id: '1' }, extensions: { persistedQuery: { version: 1, sha256Hash: LISTED_ID } } };

    // Act
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await postGraphQL(stack.gatewayUrl, byId, asPartner)).status);
    const sameUserNoClaim = await stack.query(CHEAP, {}, await bearer(sub));

    // Assert
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(sameUserNoClaim.status).toBe(200);
    expect(sameUserNoClaim.headers.get('ratelimit-limit')).toBe('600');
  });

  it('when a client has its own cost budget, then the reservation comes from its bucket (capacity, restore rate), not the default one', async () => {
    const budgeted = await stack.query(DEARER, {}, { ...(await freshCaller()), ...client('budgeted') });
    const other = await stack.query(DEARER, {}, await freshCaller());

    expect(budgeted.status).toBe(200);
    expect(budgeted.body.extensions?.cost).toMatchObject({ throttleStatus: { maximumAvailable: 3, restoreRate: 1 } });
    expect(other.body.extensions?.cost).toMatchObject({ throttleStatus: { maximumAvailable: 1000, restoreRate: 100 } });
  });

  it('when only the header says partner (no token claim), then the default policy applies: a header cannot select a requireToken policy', async () => {
    const res = await stack.query(CHEAP, {}, { ...(await freshCaller()), ...client('partner') });
    expect(res.status).toBe(200);
    expect(res.headers.get('ratelimit-limit')).toBe('600');
  });

  it('when mobile asks for the schema, then 403 INTROSPECTION_DISABLED; web gets it', async () => {
    const mobile = await stack.query(INTROSPECT, {}, { ...(await freshCaller()), ...client('mobile') });
    const web = await stack.query(INTROSPECT, {}, { ...(await freshCaller()), ...client('web') });

    expect(mobile.status).toBe(403);
    expect(mobile.body.errors?.[0]?.extensions).toMatchObject({ code: 'INTROSPECTION_DISABLED', client: 'mobile' });
    expect(web.status).toBe(200);
    expect(web.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('when the client is unknown, then it gets the default policy (global limits, cost maximum and introspection)', async () => {
    const caller = { ...(await freshCaller()), ...client('tv-app', '9.9') };
    const dearer = await stack.query(DEARER, {}, caller);
    const schema = await stack.query(INTROSPECT, {}, caller);

    expect(dearer.status).toBe(200);
    expect(dearer.headers.get('ratelimit-limit')).toBe('600');
    expect(schema.status).toBe(200);
  });

  it('when requests complete, then the log line carries client name, version and policy, and metrics a bounded client_name label', async () => {
    // Arrange
    const caller = await freshCaller();

    // Act
    await stack.query('query FromMobile { user(id: "1") { id } }', {}, { ...caller, ...client('mobile', '2.1.0') });
    await stack.query('query FromTv { user(id: "1") { id } }', {}, { ...caller, ...client('tv-app', '1.0') });
    const metrics = await (await fetch(stack.gatewayUrl.replace('/graphql', '/metrics'))).text();

    // Assert
    const completed = log.lines().filter((l) => l.msg === 'request completed');
    expect(completed.find((l) => l.operationName === 'FromMobile')).toMatchObject({ clientName: 'mobile', clientVersion: '2.1.0', clientPolicy: 'mobile', status: 200 });
    expect(completed.find((l) => l.operationName === 'FromTv')).toMatchObject({ clientName: 'tv-app', clientVersion: '1.0', clientPolicy: 'default' });
    // The mobile 429 of the first test was refused in the context function: its line still names the client.
    expect(completed.some((l) => l.clientPolicy === 'mobile' && l.status === 429)).toBe(true);
    expect(sample(metrics, 'frontdoor_graphql_requests_total', { operation_name: 'FromMobile', client_name: 'mobile', client_version: '2.1.0', outcome: 'success' })).toBe(1);
    expect(sample(metrics, 'frontdoor_graphql_requests_total', { operation_name: 'FromTv', client_name: 'other', client_version: 'other' })).toBe(1);
    expect(sample(metrics, 'frontdoor_graphql_requests_total', { client_name: 'mobile', outcome: 'rejected' })).toBeGreaterThanOrEqual(1);
    expect(metrics).not.toContain('client_name="tv-app"');
    expect(metrics).not.toContain('client_version="1.0"');
  });
});

describe('client policies: introspection off by default, on for a client its token names', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      subgraphs: ['users'],
      env: { INTROSPECTION: 'false', CLIENT_POLICIES: JSON.stringify({ tools: { requireToken: true, introspection: true } }) },
    });
  });
  afterAll(() => stack?.stop());

  it('when the token names the tools client, then introspection works; anyone else, header or not, gets INTROSPECTION_DISABLED', async () => {
    const tools = await stack.query(INTROSPECT, {}, await freshCaller({ client_name: 'tools' }));
    const headerOnly = await stack.query(INTROSPECT, {}, client('tools'));
    const anonymous = await stack.query(INTROSPECT);

    expect(tools.status).toBe(200);
    expect(tools.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    expect(headerOnly.status).toBe(403);
    expect(headerOnly.body.errors?.[0]?.extensions).toMatchObject({ code: 'INTROSPECTION_DISABLED', client: 'default' });
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('INTROSPECTION_DISABLED');
    // Ordinary operations are untouched.
    expect((await stack.query(CHEAP)).body.data).toEqual({ user: { id: '1' } });
  });
});
