/**
 * The comparison: a vanilla @apollo/gateway + @apollo/server (standalone, default fetcher), as a
 * team would run it from the docs, over the same supergraph. Env: PORT, SUPERGRAPH_PATH,
 * SUBGRAPH_IDENTITY_SECRET, BENCH_FETCHER. Started by bench/run.ts in its own process, compiled
 * like every benchmark process (bench/processes.ts), with APOLLO_TELEMETRY_DISABLED=true.
 *
 * Two additions so it can serve the same answers at all: @apollo/gateway refuses a supergraph with
 * @authenticated/@requiresScopes unless those features are registered (it enforces nothing), and our
 * subgraphs answer orders and payments only to a caller signed by a gateway, so each request's
 * caller is signed once and sent on all its subgraph calls (bench/identity.ts; the token is not verified).
 *
 * BENCH_FETCHER=undici: the same gateway with only its fetcher swapped for Frontdoor's pooled undici
 * client, the control row that shows how much of Frontdoor's lead is the HTTP client alone.
 */
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { createUndiciFetcher } from '../gateway/src/datasource/undici-fetcher';
import { registerEnforcedSecurityFeatures } from '../gateway/src/auth/security-features';
import { subgraphHeadersFor } from './identity';

interface BenchContext {
  subgraphHeaders: Record<string, string>;
}

const secret = process.env.SUBGRAPH_IDENTITY_SECRET ?? '';
const pooled = process.env.BENCH_FETCHER === 'undici' ? createUndiciFetcher({ maxConnections: 64, timeoutMs: 30_000 }) : undefined;

class SignedIdentityDataSource extends RemoteGraphQLDataSource<BenchContext> {
  override willSendRequest({ request, context }: Parameters<NonNullable<RemoteGraphQLDataSource<BenchContext>['willSendRequest']>>[0]): void {
    const headers: Record<string, string> = (context as Partial<BenchContext>).subgraphHeaders ?? {};
    for (const [name, value] of Object.entries(headers)) request.http?.headers.set(name, value);
  }
}

async function main(): Promise<void> {
  registerEnforcedSecurityFeatures();
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(process.env.SUPERGRAPH_PATH ?? '', 'utf8'),
    buildService: ({ url }) => new SignedIdentityDataSource({ url, ...(pooled ? { fetcher: pooled.fetcher } : {}) }),
  });
  const server = new ApolloServer<BenchContext>({ gateway });
  const { url } = await startStandaloneServer(server, {
    listen: { port: Number(process.env.PORT), host: '127.0.0.1' },
    context: async ({ req }) => ({ subgraphHeaders: subgraphHeadersFor(req.headers.authorization, secret) }),
  });
  process.stdout.write(`apollo gateway ready at ${url}\n`);
}

void main();
