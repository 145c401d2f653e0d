import type { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createSecureServer, type Http2SecureServer, type Http2Session } from 'node:http2';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '../logger';
import { CertificateWatcher, type CertificateReloadOutcome } from './certificate-watcher';
import { sendError } from '../http/graphql-handler';
import { answerClientError, answerConnect, answerUnclaimedUpgrade } from './socket-answers';
import type { TlsConfig } from './edge-config';
import type { GatewayRequest, GatewayResponse, UpgradeHandler } from './request-types';
import { readPemFiles, secureContextOptions, type LoadedPem } from './tls-files';

/**
 * Idle limit of a TLS connection (HTTP/1.1 socket or HTTP/2 session) with no bytes either way, in
 * ms. node:http closes idle keep-alive sockets after 5 s by itself; the HTTP/2 server has no idle
 * limit at all (and leaves HTTP/1.1 keep-alive unbounded), so an idle client could hold a
 * connection forever. Far above any subgraph deadline, so it never cuts a working request.
 */
const TLS_IDLE_TIMEOUT_MS = 120_000;

export type RequestHandler = (req: GatewayRequest, res: GatewayResponse) => void;

export interface Listener {
  server: Server | Http2SecureServer;
  scheme: 'http' | 'https';
  /** Attaches the request handler (after the connection tracking, which must see each request first). */
  serve(handler: RequestHandler): void;
  /** Who answers upgrade requests (the WebSocket door); until then, and without one, each gets 404 NOT_FOUND. */
  serveUpgrades(handler: UpgradeHandler): void;
  /**
   * What Apollo's drain plugin gets. Its connection tracking understands node:http(s) servers
   * only (on the HTTP/2 server it would count raw TCP sockets and end them under TLS), so with TLS
   * it gets a server that never listens, and `drain()` below does the real work first.
   */
  drainPluginServer: Server;
  /** TLS only: stops accepting, lets in-flight requests finish (up to `graceMs`), stops the certificate watcher. Plain HTTP: nothing (Apollo's drain plugin does it). */
  drain(graceMs: number): Promise<void>;
  /** Closes at once (start-up failed before anything was served). */
  closeNow(): Promise<void>;
}

export interface ListenerOptions {
  log: Logger;
  onCertificateReload?: (outcome: CertificateReloadOutcome) => void;
}

/**
 * The server the gateway listens with: node:http by default; with TLS, one HTTP/2 server that
 * also speaks HTTP/1.1 (ALPN picks per connection), TLS 1.2+ only.
 */
export function createListener(tls: false | TlsConfig, opts: ListenerOptions): Listener {
  if (!tls) {
    // A missing Host is refused by `guarded` below, in the error table's shape (node's own 400 has no body).
    const server = createServer({ requireHostHeader: false });
    server.on('clientError', answerClientError);
    server.on('connect', answerConnect);
    const upgrades = upgradeRouting(server, opts.log);
    return {
      server,
      scheme: 'http',
      serve: (handler) => server.on('request', guarded(handler, opts.log)),
      serveUpgrades: upgrades.serve,
      drainPluginServer: server,
      drain: async () => undefined,
      closeNow: () => new Promise((resolve) => server.close(() => resolve())),
    };
  }
  const loaded = readPemFiles({ certFile: tls.certFile, keyFile: tls.keyFile, chainFile: tls.chainFile });
  // config.ts has already proved the pair; a file changed since then is a start-up error.
  if (!loaded.ok) throw new Error(`TLS certificate: ${loaded.problem}`);
  const contextOptions = (pem: LoadedPem) => ({ ...secureContextOptions(pem), minVersion: tls.minVersion });
  const server = createSecureServer({ allowHTTP1: true, ...contextOptions(loaded) });
  server.setTimeout(TLS_IDLE_TIMEOUT_MS);
  // HTTP/1.1 clients of the TLS server go through the same parser.
  server.on('clientError', answerClientError);
  server.on('connect', answerConnect);
  const upgrades = upgradeRouting(server, opts.log);
  const tracker = trackConnections(server);
  const watcher = tls.watch
    ? new CertificateWatcher({
        paths: { certFile: tls.certFile, keyFile: tls.keyFile, chainFile: tls.chainFile },
        current: loaded,
        debounceMs: tls.watch.debounceMs,
        // New handshakes use the new pair; open connections keep theirs until they close.
        // setSecureContext rebuilds the whole context: minVersion must be passed again (a test guards it).
        apply: (pem) => server.setSecureContext(contextOptions(pem)),
        log: opts.log,
        ...(opts.onCertificateReload ? { onReload: opts.onCertificateReload } : {}),
      })
    : undefined;
  watcher?.start();
  opts.log.info({ fingerprint256: loaded.fingerprint256, minVersion: tls.minVersion, watch: Boolean(watcher) }, 'tls enabled');
  return {
    server,
    scheme: 'https',
    serve: (handler) => server.on('request', guarded(handler, opts.log)),
    serveUpgrades: upgrades.serve,
    drainPluginServer: createServer(),
    drain: async (graceMs) => {
      watcher?.stop();
      await tracker.drain(graceMs);
    },
    closeNow: async () => {
      watcher?.stop();
      await tracker.drain(0);
    },
  };
}

/**
 * Graceful close for the HTTP/2 + HTTP/1.1 server, as Apollo's drain plugin does for node:http:
 * h2 sessions get GOAWAY (open streams finish), idle HTTP/1.1 connections are ended, busy ones
 * after their response; whatever is left at the grace deadline is destroyed.
 */
function trackConnections(server: Http2SecureServer): { drain(graceMs: number): Promise<void> } {
  const sessions = new Set<Http2Session>();
  const http1 = new Map<TLSSocket, number>();
  let draining = false;
  server.on('session', (session: Http2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  server.on('secureConnection', (socket: TLSSocket) => {
    if (socket.alpnProtocol === 'h2') return;
    http1.set(socket, 0);
    socket.once('close', () => http1.delete(socket));
  });
  server.on('request', (req: GatewayRequest, res: GatewayResponse) => {
    if (req.httpVersionMajor === 2) return;
    // HTTP/1.1 on the TLS server: the socket is always the TLSSocket seen in 'secureConnection'.
    const socket = req.socket as TLSSocket;
    http1.set(socket, (http1.get(socket) ?? 0) + 1);
    res.once('finish', () => {
      const pending = (http1.get(socket) ?? 1) - 1;
      if (!http1.has(socket)) return;
      http1.set(socket, pending);
      if (draining && pending === 0) socket.end();
    });
  });
  return {
    drain: async (graceMs) => {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const session of sessions) session.close();
      for (const [socket, pending] of http1) if (pending === 0) socket.end();
      const deadline = setTimeout(() => {
        for (const session of sessions) session.destroy();
        for (const socket of http1.keys()) socket.destroy();
      }, graceMs);
      await closed;
      clearTimeout(deadline);
    },
  };
}

/**
 * The one 'upgrade' listener, installed with the server: node hands every request with
 * `Connection: upgrade` and an `Upgrade` header to it, and this listener must answer each one
 * (answerUnclaimedUpgrade explains why). A handler that throws would throw inside node's event, which
 * nothing catches (a TypeError there once ended the process): the socket is destroyed and logged.
 */
function upgradeRouting(server: EventEmitter, log: Logger): { serve(handler: UpgradeHandler): void } {
  let current: UpgradeHandler = answerUnclaimedUpgrade;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      current(req, socket, head);
    } catch (err) {
      log.error({ err }, 'upgrade handler threw');
      socket.destroy();
    }
  });
  return { serve: (handler) => (current = handler) };
}

/**
 * A handler that throws synchronously would throw inside node's 'request' event, which nothing
 * catches: the process would exit with every other client's request (issue #12). It answers 500
 * instead, and the log says what threw.
 */
function guarded(handler: RequestHandler, log: Logger): RequestHandler {
  return (req, res) => {
    try {
      // RFC 9112 §3.2: an HTTP/1.1 request without Host is refused with 400.
      if (req.httpVersionMajor === 1 && req.httpVersionMinor === 1 && req.headers.host === undefined) {
        sendError(res, 'BAD_REQUEST', { reason: 'An HTTP/1.1 request needs a Host header' });
        return;
      }
      handler(req, res);
    } catch (err) {
      log.error({ err }, 'request handler threw');
      if (!res.headersSent) sendError(res, 'INTERNAL_SERVER_ERROR');
      else res.destroy();
    }
  };
}
