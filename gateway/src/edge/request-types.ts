import type { IncomingMessage, ServerResponse } from 'node:http';
import { Http2ServerResponse, type Http2ServerRequest } from 'node:http2';
import type { Duplex } from 'node:stream';

/**
 * A request as the gateway's handler receives it: node:http's, or the HTTP/2 compatibility
 * object when TLS is on and the client negotiated h2 (HTTP/1.1 clients of the TLS server still
 * get node:http's objects). The two are close but not identical, so code that serves both takes
 * these unions instead of casting one to the other.
 */
export type GatewayRequest = IncomingMessage | Http2ServerRequest;
export type GatewayResponse = ServerResponse | Http2ServerResponse;

/** HTTP/2 forbids connection-specific headers (`connection`, `keep-alive`, …): setting one throws. */
export function isHttp2(res: GatewayResponse): res is Http2ServerResponse {
  return res instanceof Http2ServerResponse;
}

/** Node's 'upgrade' event: the request, its raw socket (node no longer reads or guards it) and the bytes read past the headers. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
