import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadManifest } from '../../gateway/src/cache/manifest';
import { startSecondGateway, type ExtraGateway } from '../helpers/second-gateway';
import { postGraphQL, startStack, uniqueKeyPrefix, type Stack } from '../helpers/stack';
import { profileOwner } from '../helpers/tokens';
import { seedUser } from '../../subgraphs/shared/seed';

const OPERATIONS = path.resolve(__dirname, '../../gateway/operations');
const MANIFEST = path.join(OPERATIONS, 'persisted-query-manifest.json');
const PROFILE_FILE_TEXT = readFileSync(path.join(OPERATIONS, 'profile.graphql'), 'utf8');
const PROFILE_ID = loadManifest(MANIFEST).find((o) => o.name === 'Profile')?.id ?? '';

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function persisted(hash: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { extensions: { persistedQuery: { version: 1, sha256Hash: hash } }, ...extra };
}

describe('automatic persisted queries shared through Redis', () => {
  let stack: Stack;
  let b: ExtraGateway;

  beforeAll(async () => {
    const keyPrefix = uniqueKeyPrefix();
    stack = await startStack({ redis: { keyPrefix } });
    b = await startSecondGateway(stack, keyPrefix);
  });
  afterAll(async () => {
    await b?.stop();
    await stack?.stop();
  });

  it('when a hash is unknown, then PERSISTED_QUERY_NOT_FOUND; once registered with its query on A, the hash alone works on B', async () => {
    // Arrange: a query no other test registered
    const query = `query Apq${Date.now()} { user(id: "3") { id name } }`;
    const hash = sha256(query);

    // Act
    const unknown = await postGraphQL(stack.gatewayUrl, persisted(hash));
    const registered = await postGraphQL(stack.gatewayUrl, persisted(hash, { query }));
    const onB = await b.post(persisted(hash));

    // Assert
    expect(unknown.status).toBe(200);
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(registered.body.data).toEqual({ user: { id: '3', name: seedUser('3').name } });
    expect(onB.body.errors).toBeUndefined();
    expect(onB.body.data).toEqual(registered.body.data);
    expect(await stack.gateway.redis?.exists(`apq:${hash}`)).toBe(1);
  });

  it('when the hash does not match the query, then nothing is registered', async () => {
    const hash = sha256('something else');
    const mismatch = await postGraphQL(stack.gatewayUrl, persisted(hash, { query: '{ __typename }' }));
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(await stack.gateway.redis?.exists(`apq:${hash}`)).toBe(0);
  });
});

describe('trusted documents (manifest) in safelist mode', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ redis: true, env: { PERSISTED_QUERIES_MANIFEST: MANIFEST, PERSISTED_QUERIES_SAFELIST: 'true' } });
  });
  afterAll(() => stack?.stop());

  it('when a client sends only a manifest id, then the manifest operation runs', async () => {
    const result = await postGraphQL(stack.gatewayUrl, persisted(PROFILE_ID, { variables: { id: '4' } }), await profileOwner('4'));
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
    expect((result.body.data?.user as { id: string }).id).toBe('4');
  });

  it('when a client sends a listed body (even formatted differently, with comments), then it runs', async () => {
    const result = await stack.query(PROFILE_FILE_TEXT, { id: '4' }, await profileOwner('4'));
    expect(result.body.errors).toBeUndefined();
    expect((result.body.data?.user as { id: string }).id).toBe('4');
  });

  it('when an operation is not in the manifest, then 403 PERSISTED_QUERY_NOT_IN_LIST and no subgraph is called', async () => {
    // Arrange
    stack.clearRecordedRequests();

    // Act
    const result = await stack.query('query Other { users(first: 1) { edges { node { email } } } }');

    // Assert
    expect(result.status).toBe(403);
    expect(result.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    expect(result.body.data).toBeUndefined();
    expect(stack.subgraphs.users?.requests).toHaveLength(0);
  });

  it('when a client tries to register an unlisted operation through APQ, then it is refused and its hash stays unknown', async () => {
    // Arrange
    const query = 'query Sneaky { users(first: 1) { edges { node { email } } } }';
    const hash = sha256(query);

    // Act
    const register = await postGraphQL(stack.gatewayUrl, persisted(hash, { query }));
    const replay = await postGraphQL(stack.gatewayUrl, persisted(hash));

    // Assert
    expect(register.status).toBe(403);
    expect(register.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    expect(replay.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});

describe('trusted documents without safelist', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: { PERSISTED_QUERIES_MANIFEST: MANIFEST } });
  });
  afterAll(() => stack?.stop());

  it('when a manifest is loaded without safelist, then manifest ids work and other operations still run', async () => {
    const byId = await postGraphQL(stack.gatewayUrl, persisted(PROFILE_ID, { variables: { id: '5' } }), await profileOwner('5'));
    const other = await stack.query('{ users(first: 1) { edges { node { id } } } }');
    expect(byId.body.errors).toBeUndefined();
    expect(other.status).toBe(200);
    expect(other.body.errors).toBeUndefined();
  });
});

describe('with APQ_ENABLED=false', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ subgraphs: ['users'], redis: { keyPrefix: uniqueKeyPrefix() }, env: { APQ_ENABLED: 'false' } });
  });
  afterAll(() => stack?.stop());

  it('when a client registers a hash with its query and then sends the hash alone, then both get PERSISTED_QUERY_NOT_SUPPORTED and nothing is stored', async () => {
    // Arrange
    const query = `query NoApq${Date.now()} { user(id: "3") { id name } }`;
    const hash = sha256(query);

    // Act
    const register = await postGraphQL(stack.gatewayUrl, persisted(hash, { query }));
    const replay = await postGraphQL(stack.gatewayUrl, persisted(hash));
    const plain = await stack.query(query);

    // Assert
    for (const res of [register, replay]) {
      expect(res.status).toBe(200);
      expect(res.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_SUPPORTED');
      expect(res.body.data).toBeUndefined();
    }
    expect(plain.body.data).toEqual({ user: { id: '3', name: seedUser('3').name } });
    expect(await stack.gateway.redis?.exists(`apq:${hash}`)).toBe(0);
  });
});
