/**
 * The comparison: a vanilla @apollo/gateway + @apollo/server (standalone, default fetcher), as a
 * team would run it from the docs, over the same supergraph. Env: PORT, SUPERGRAPH_PATH,
 * SUBGRAPH_IDENTITY_SECRET. Started by bench/run.ts in its own process with APOLLO_TELEMETRY_DISABLED=true.
 *
 * Two additions so it can serve the same answers at all: @apollo/gateway refuses a supergraph with
 * @authenticated/@requiresScopes unless those features are registered (it enforces nothing), and our
 * subgraphs answer orders and payments only to a caller signed by a gateway, so each subgraph call
 * gets an `admin` identity (one HMAC, as Frontdoor computes per call too).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { createUndiciFetcher } from '../gateway/src/datasource/undici-fetcher';
import { registerEnforcedSecurityFeatures } from '../gateway/src/auth/security-features';
import { IDENTITY_HEADER, signIdentity } from '../subgraphs/shared/identity';

const secret = process.env.SUBGRAPH_IDENTITY_SECRET ?? '';
const pooled = process.env.BENCH_FETCHER === 'undici' ? createUndiciFetcher({ maxConnections: 64, timeoutMs: 30_000 }) : undefined;

class SignedIdentityDataSource extends RemoteGraphQLDataSource {
  override willSendRequest({ request }: Parameters<NonNullable<RemoteGraphQLDataSource['willSendRequest']>>[0]): void {
    const requestId = randomUUID();
    request.http?.headers.set('x-request-id', requestId);
    request.http?.headers.set(IDENTITY_HEADER, signIdentity({ id: 'bench-client', scopes: ['admin'] }, requestId, secret));
  }
}

async function main(): Promise<void> {
  registerEnforcedSecurityFeatures();
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(process.env.SUPERGRAPH_PATH ?? '', 'utf8'),
    // BENCH_FETCHER=undici: the same gateway with only its fetcher swapped (the reference point).
    buildService: ({ url }) => new SignedIdentityDataSource({ url, ...(pooled ? { fetcher: pooled.fetcher } : {}) }),
  });
  const server = new ApolloServer({ gateway });
  const { url } = await startStandaloneServer(server, { listen: { port: Number(process.env.PORT), host: '127.0.0.1' } });
  process.stdout.write(`apollo gateway ready at ${url}\n`);
}

void main();
