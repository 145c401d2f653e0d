import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/** Paths never written to the log, whatever the level. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  '*.token',
  '*.password',
  '*.secret',
];

export interface LoggerOptions {
  level: string;
  pretty: boolean;
  /** Bound on every line. @default frontdoor-gateway */
  service?: string;
}

export function createLogger(opts: LoggerOptions): Logger {
  return pino({
    level: opts.level,
    base: { service: opts.service ?? 'frontdoor-gateway', pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(opts.pretty ? { transport: { target: 'pino-pretty', options: { colorize: true } } } : {}),
  });
}

/** The logger shape Apollo Server and @apollo/gateway accept. */
export interface ApolloLogger {
  debug(message?: unknown): void;
  info(message?: unknown): void;
  warn(message?: unknown): void;
  error(message?: unknown): void;
}

/** Apollo Server and @apollo/gateway log through this, so their lines land in the same JSON stream. */
export function apolloLogger(log: Logger): ApolloLogger {
  const child = log.child({ component: 'apollo' });
  return {
    debug: (message?: unknown) => child.debug(String(message)),
    info: (message?: unknown) => child.info(String(message)),
    warn: (message?: unknown) => child.warn(String(message)),
    error: (message?: unknown) => child.error(String(message)),
  };
}
