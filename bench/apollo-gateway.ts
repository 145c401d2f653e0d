/**
 * The comparison: a vanilla @apollo/gateway + @apollo/server (standalone, default fetcher), as a
 * team would run it from the docs, over the same supergraph. Env: PORT, SUPERGRAPH_PATH.
 * Started by bench/run.ts in its own process with APOLLO_TELEMETRY_DISABLED=true.
 */
import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

async function main(): Promise<void> {
  const gateway = new ApolloGateway({ supergraphSdl: readFileSync(process.env.SUPERGRAPH_PATH ?? '', 'utf8') });
  const server = new ApolloServer({ gateway });
  const { url } = await startStandaloneServer(server, { listen: { port: Number(process.env.PORT), host: '127.0.0.1' } });
  process.stdout.write(`apollo gateway ready at ${url}\n`);
}

void main();
