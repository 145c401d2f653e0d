import pino, { type Logger } from 'pino';

export type { Logger };

export interface CreateLoggerOptions {
  /** Bound as `service` on every line, e.g. `users`. */
  service: string;
  /** pino level. @default 'info' */
  level?: string;
}

/** JSON to stdout. Identity and secret headers are redacted wherever a line carries request headers. */
export function createLogger({ service, level = 'info' }: CreateLoggerOptions): Logger {
  return pino({
    level,
    base: { service },
    redact: ['headers.authorization', 'headers.cookie', '*.token', '*.password'],
  });
}
