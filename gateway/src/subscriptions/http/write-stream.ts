import type { Writable } from 'node:stream';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { isHttp2, type GatewayResponse } from '../../edge/request-types';
import type { ClientStream, StreamResult } from '../client-stream';
import type { ErrorFormatter } from '../event-execution';

/** How one streaming protocol writes (multipart-writer.ts, sse-writer.ts). */
export interface StreamFormat {
  contentType: string;
  /** Written right after the headers. */
  open: string;
  event(result: StreamResult): string;
  heartbeat(): string;
  /** The subscription's last message when an error ends it. */
  error(errors: readonly GraphQLFormattedError[]): string;
  /** The end of the body. */
  close: string;
}

/**
 * Streams a subscription into an HTTP response (HTTP/1.1 chunked or an HTTP/2 stream). A write the
 * socket cannot take right away makes the loop wait for `drain` before taking the next event, so a
 * client that stops reading lets events pile up in the ClientStream, whose backlog cap ends the
 * subscription. A closed connection (the client unsubscribed) ends it too.
 */
export async function writeStream(res: GatewayResponse, stream: ClientStream, format: StreamFormat, heartbeatMs: number, formatError: ErrorFormatter): Promise<void> {
  res.statusCode = 200;
  res.setHeader('content-type', format.contentType);
  res.setHeader('cache-control', 'no-cache, no-store');
  if (!isHttp2(res)) res.setHeader('connection', 'keep-alive');
  // Both response kinds are Writable streams; their `write` overloads differ too much to call on the union.
  const out: Writable = res;
  let closed = false;
  res.once('close', () => {
    closed = true;
    void stream.return();
  });
  const write = async (text: string): Promise<void> => {
    if (closed || out.write(text)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        out.off('drain', done);
        res.off('close', done);
        resolve();
      };
      out.once('drain', done);
      res.once('close', done);
    });
  };
  const heartbeat = setInterval(() => {
    if (!closed && out.writableLength === 0) out.write(format.heartbeat());
  }, heartbeatMs);
  try {
    await write(format.open);
    for (;;) {
      let next: IteratorResult<StreamResult>;
      try {
        next = await stream.next();
      } catch (err) {
        const error = err instanceof GraphQLError ? err : new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
        await write(format.error([formatError(error.toJSON(), error)]));
        break;
      }
      if (next.done || closed) break;
      await write(format.event(next.value));
    }
    if (!closed) out.end(format.close);
  } finally {
    clearInterval(heartbeat);
  }
}

/** A whole answer as one streaming body: a query's result or a refusal over SSE (always 200, PROTOCOLS.md). */
export function writeSingle(res: GatewayResponse, format: StreamFormat, body: StreamResult): void {
  res.statusCode = 200;
  res.setHeader('content-type', format.contentType);
  res.setHeader('cache-control', 'no-cache, no-store');
  const out: Writable = res;
  out.end(format.open + format.event(body) + format.close);
}
