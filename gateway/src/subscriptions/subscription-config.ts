import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** The subscription variables (merged into config.ts's one schema). The configuration doc lists each. */
export const SUBSCRIPTIONS_ENV = {
  /** Serve subscriptions (WebSocket on /graphql, multipart and SSE over POST /graphql). Off: a subscription is refused (SUBSCRIPTION_TRANSPORT_UNSUPPORTED) and WebSocket upgrades get 404. @default true */
  SUBSCRIPTIONS_ENABLED: bool.default(true),
  /** Open subscriptions one caller (token subject, else client IP) may hold on one instance, over every protocol; past it SUBSCRIPTIONS_PER_CALLER_EXCEEDED. @default 50 */
  SUBSCRIPTIONS_MAX_PER_CALLER: int(1, 1_000_000).default(50),
  /** Open subscriptions on one WebSocket connection; past it SUBSCRIPTIONS_PER_CONNECTION_EXCEEDED. @default 25 */
  SUBSCRIPTIONS_MAX_PER_CONNECTION: int(1, 100_000).default(25),
  /** Events one subscription may have waiting (being enriched or not yet written to a slow client); past it the subscription ends with SUBSCRIPTION_BACKLOG_EXCEEDED. @default 100 */
  SUBSCRIPTION_MAX_BACKLOG: int(1, 100_000).default(100),
  /** A WebSocket that has not sent `connection_init` this long after opening is closed with 4408, in ms. @default 5000 */
  WS_CONNECTION_INIT_TIMEOUT_MS: int(100, 600_000).default(5000),
  /** Largest WebSocket message accepted, in bytes; a larger one closes the connection with 1009. @default 262144 */
  WS_MAX_MESSAGE_BYTES: int(1024, 100 * 1024 * 1024).default(256 * 1024),
  /** Ping each WebSocket this often; one that has not answered by the next ping is dropped, in ms. @default 12000 */
  WS_KEEPALIVE_MS: int(1000, 600_000).default(12_000),
  /** Multipart heartbeat (`{}` part) and SSE keep-alive comment interval, in ms. @default 5000 */
  SUBSCRIPTION_HEARTBEAT_MS: int(100, 600_000).default(5000),
  /** How often open subscriptions re-check their token (expiry and `POST /auth/logout` revocation on any instance), in ms. @default 2000 */
  SUBSCRIPTION_AUTH_RECHECK_MS: int(100, 60_000).default(2000),
};

const SubscriptionsEnvSchema = z.object(SUBSCRIPTIONS_ENV);
type SubscriptionsEnv = z.output<typeof SubscriptionsEnvSchema>;

export interface SubscriptionsConfig {
  maxPerCaller: number;
  maxPerConnection: number;
  maxBacklog: number;
  ws: { connectionInitTimeoutMs: number; maxMessageBytes: number; keepAliveMs: number };
  heartbeatMs: number;
  authRecheckMs: number;
}

/** `false` when SUBSCRIPTIONS_ENABLED=false. */
export function toSubscriptionsConfig(e: SubscriptionsEnv): false | SubscriptionsConfig {
  if (!e.SUBSCRIPTIONS_ENABLED) return false;
  return {
    maxPerCaller: e.SUBSCRIPTIONS_MAX_PER_CALLER,
    maxPerConnection: e.SUBSCRIPTIONS_MAX_PER_CONNECTION,
    maxBacklog: e.SUBSCRIPTION_MAX_BACKLOG,
    ws: { connectionInitTimeoutMs: e.WS_CONNECTION_INIT_TIMEOUT_MS, maxMessageBytes: e.WS_MAX_MESSAGE_BYTES, keepAliveMs: e.WS_KEEPALIVE_MS },
    heartbeatMs: e.SUBSCRIPTION_HEARTBEAT_MS,
    authRecheckMs: e.SUBSCRIPTION_AUTH_RECHECK_MS,
  };
}
