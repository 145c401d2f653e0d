import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createSubgraph } from '../../subgraphs/registry';
import { startSubgraph, type SubgraphHandle } from '../../subgraphs/shared/server';
import { makeCa, signedBy, tempDir, type Pem } from '../helpers/certs';
import { startMtlsProxy, type MtlsProxy } from '../helpers/mtls-proxy';
import { postGraphQL, startTestGateway } from '../helpers/stack';

describe('mTLS to subgraphs', () => {
  const files = tempDir();
  let users: SubgraphHandle;
  let proxy: MtlsProxy;
  let caFile: string;
  let clientCertFile: string;
  let clientKeyFile: string;
  let strangerCertFile: string;
  let strangerKeyFile: string;

  beforeAll(async () => {
    const ca = await makeCa('frontdoor test CA');
    const other = await makeCa('someone else');
    const write = (name: string, pem: Pem): [string, string] => {
      const cert = path.join(files.dir, `${name}.pem`);
      const key = path.join(files.dir, `${name}-key.pem`);
      writeFileSync(cert, pem.cert);
      writeFileSync(key, pem.key);
      return [cert, key];
    };
    [caFile] = write('ca', ca);
    [clientCertFile, clientKeyFile] = write('gateway', await signedBy(ca, 'client', 'frontdoor-gateway'));
    [strangerCertFile, strangerKeyFile] = write('stranger', await signedBy(other, 'client', 'stranger'));
    users = await startSubgraph(createSubgraph('users'), { logLevel: 'silent' });
    proxy = await startMtlsProxy(users.url, { server: await signedBy(ca, 'server', 'users'), clientCa: ca.cert });
  });
  afterAll(async () => {
    await proxy.stop();
    await users.stop();
    files.cleanup();
  });

  it('when the gateway has the CA and its client certificate, then a subgraph that requires mTLS answers', async () => {
    // Arrange
    const gateway = await startTestGateway({
      SUBGRAPH_URL_USERS: proxy.url,
      SUBGRAPH_CA_FILE: caFile,
      SUBGRAPH_CLIENT_CERT_FILE: clientCertFile,
      SUBGRAPH_CLIENT_KEY_FILE: clientKeyFile,
    });
    try {
      // Act
      const res = await postGraphQL(gateway.url, { query: '{ user(id: "7") { id } }' });

      // Assert
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ user: { id: '7' } });
      expect(proxy.clientNames).toContain('frontdoor-gateway');
    } finally {
      await gateway.stop();
    }
  });

  it.each([
    ['no client certificate', () => ({})],
    ['a client certificate from another CA', () => ({ SUBGRAPH_CLIENT_CERT_FILE: strangerCertFile, SUBGRAPH_CLIENT_KEY_FILE: strangerKeyFile })],
  ])('when the gateway presents %s, then that subgraph is SUBGRAPH_UNAVAILABLE and the gateway keeps serving', async (_name, clientEnv) => {
    // Arrange
    const gateway = await startTestGateway({ SUBGRAPH_URL_USERS: proxy.url, SUBGRAPH_CA_FILE: caFile, SUBGRAPH_RETRY_MAX: '0', ...clientEnv() });
    try {
      // Act
      const res = await postGraphQL(gateway.url, { query: '{ user(id: "7") { id } }' });
      const health = await fetch(gateway.url.replace('/graphql', '/health'));

      // Assert
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ user: null });
      expect(res.body.errors?.[0]?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
      expect(JSON.stringify(res.body)).not.toContain('127.0.0.1');
      expect(health.status).toBe(200);
    } finally {
      await gateway.stop();
    }
  });

  it('when the subgraph certificate is not signed by a trusted CA, then the call fails instead of trusting it', async () => {
    // Arrange: the client certificate alone, without SUBGRAPH_CA_FILE; Node's public roots do not know the test CA.
    const gateway = await startTestGateway({ SUBGRAPH_URL_USERS: proxy.url, SUBGRAPH_CLIENT_CERT_FILE: clientCertFile, SUBGRAPH_CLIENT_KEY_FILE: clientKeyFile, SUBGRAPH_RETRY_MAX: '0' });
    const namesBefore = proxy.clientNames.length;
    try {
      // Act
      const res = await postGraphQL(gateway.url, { query: '{ user(id: "7") { id } }' });

      // Assert: no data from an unverified server, and no certificate details for the client.
      // (fetch-failure.ts classifies certificate errors as DOWNSTREAM_SERVICE_ERROR, not SUBGRAPH_UNAVAILABLE.)
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ user: null });
      expect(res.body.errors?.[0]?.extensions?.code).toBe('DOWNSTREAM_SERVICE_ERROR');
      expect(JSON.stringify(res.body)).not.toMatch(/certificate|127\.0\.0\.1/i);
      expect(proxy.clientNames.length).toBe(namesBefore);
    } finally {
      await gateway.stop();
    }
  });
});
