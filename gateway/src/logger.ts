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
  /** Where lines go. @default stdout, buffered */
  destination?: pino.DestinationStream;
}

/** Longest time a log line waits in the write buffer, in ms. */
const LOG_FLUSH_INTERVAL_MS = 1000;

export function createLogger(opts: LoggerOptions): Logger {
  const options = {
    level: opts.level,
    base: { service: opts.service ?? 'frontdoor-gateway', pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (opts.pretty) return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
  if (opts.destination) return pino(options, opts.destination);
  // One write per ~4 KiB instead of one per line: under load the per-line write syscall was ~5% of
  // the gateway's CPU (npm run bench, --cpu-prof). A line waits at most LOG_FLUSH_INTERVAL_MS, and
  // pino flushes the buffer when the process exits.
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const timer = setInterval(() => {
    try {
      destination.flush();
    } catch {
      clearInterval(timer); // the stream was closed: nothing left to flush
    }
  }, LOG_FLUSH_INTERVAL_MS).unref();
  return pino(options, destination);
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
