import { z } from 'zod';
import { bool } from '../env-values';

/** Logs and span export, merged into config.ts's one schema. docs/configuration.md documents each. */
export const OBSERVABILITY_ENV = {
  /** pino level: fatal, error, warn, info, debug, trace, silent. @default info */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Human-readable logs (development only). @default false */
  LOG_PRETTY: bool.default(false),
  /** OTLP/HTTP endpoint for the gateway's spans (e.g. http://otel-collector:4318/v1/traces). Unset: no spans are exported. @default unset */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().url().optional(),
  /** `service.name` on exported spans. @default frontdoor-gateway */
  OTEL_SERVICE_NAME: z.string().min(1).default('frontdoor-gateway'),
};

const ObservabilityEnvSchema = z.object(OBSERVABILITY_ENV);
type ObservabilityEnv = z.output<typeof ObservabilityEnvSchema>;

export type LogLevel = ObservabilityEnv['LOG_LEVEL'];

export interface ObservabilitySections {
  log: { level: LogLevel; pretty: boolean };
  /** Span export; false when no OTLP endpoint is configured. */
  tracing: false | { endpoint: string; serviceName: string };
}

export function toObservabilityConfig(e: ObservabilityEnv, production: boolean, problems: string[]): ObservabilitySections {
  if (production && e.LOG_PRETTY) problems.push('LOG_PRETTY: pretty logs are for development; production logs are JSON');
  return {
    log: { level: e.LOG_LEVEL, pretty: e.LOG_PRETTY },
    tracing: e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? { endpoint: e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME } : false,
  };
}
