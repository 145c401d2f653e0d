/**
 * The subgraph's HTTP side: node:http straight into Apollo Server's executeHTTPGraphQLRequest.
 * It replaces `startStandaloneServer`, whose express-style stack (cors, body-parser, content-type,
 * finalhandler) was ~15% of a subgraph's CPU per request, for things a subgraph behind a gateway
 * does not need: browsers never call it directly, so there is no CORS at all.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';

/** Largest accepted request body (entity batches from the gateway can be big), as Apollo's standalone server allowed. */
const MAX_BODY_BYTES = 50 * 1024 * 1024;

export interface GraphQLHttpOptions<TContext extends BaseContext> {
  port: number;
  host: string;
  /** Builds a request's context from its (lower-cased) headers. */
  context: (req: IncomingMessage) => Promise<TContext>;
}

/** Starts `server` (with the drain plugin) and listens; resolves with the bound port. */
export async function serveGraphQL<TContext extends BaseContext>(
  server: ApolloServer<TContext>,
  opts: GraphQLHttpOptions<TContext>,
): Promise<{ httpServer: Server; port: number }> {
  const httpServer = createServer((req, res) => {
    handle(server, opts, req, res).catch(() => {
      // executeHTTPGraphQLRequest answers every GraphQL failure itself; this is a broken socket or a bug.
      if (!res.headersSent) sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
      else res.destroy();
    });
  });
  server.addPlugin(ApolloServerPluginDrainHttpServer({ httpServer }));
  await server.start();
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(opts.port, opts.host, () => resolve());
  });
  const address = httpServer.address();
  return { httpServer, port: typeof address === 'object' && address ? address.port : opts.port };
}

async function handle<TContext extends BaseContext>(
  server: ApolloServer<TContext>,
  opts: GraphQLHttpOptions<TContext>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await readJsonBody(req);
  if (!body.ok) return sendError(res, body.status, body.code, body.message);
  const headers = new HeaderMap();
  for (const name in req.headers) {
    const value = req.headers[name];
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  const response = await server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: queryAt === -1 ? '' : url.slice(queryAt), body: body.value },
    context: () => opts.context(req),
  });
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

type JsonBody = { ok: true; value: unknown } | { ok: false; status: number; code: string; message: string };

/** A JSON body is parsed; any other body is left to Apollo Server (which refuses what it cannot take). */
async function readJsonBody(req: IncomingMessage): Promise<JsonBody> {
  if (req.method === 'GET' || req.method === 'HEAD') return { ok: true, value: undefined };
  const text = await readText(req);
  if (text === undefined) return { ok: false, status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Request body too large' };
  if (text === '') return { ok: true, value: undefined };
  if (!(req.headers['content-type'] ?? '').includes('json')) return { ok: true, value: text };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, status: 400, code: 'BAD_REQUEST', message: 'The request body is not valid JSON' };
  }
}

/** The body as text, or undefined past MAX_BODY_BYTES. Plain 'data' events: an async iterator per request cost more than the read. */
function readText(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks, size).toString('utf8')));
    req.once('error', reject);
  });
}

/** A transport-level failure (before GraphQL), in the GraphQL error shape. */
function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}
