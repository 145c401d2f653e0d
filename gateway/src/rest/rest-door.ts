import type { Registry } from 'prom-client';
import type { Logger } from '../logger';
import { createDocsPage } from './docs-page';
import { restHandler, type RestExecutor } from './rest-handler';
import type { RestConfig } from './rest-config';
import { RestMetrics } from './rest-metrics';
import { RestRouteTable, type SchemaSource } from './route-table';

export interface RestDoorOptions {
  config: RestConfig;
  /** The gateway: the route table follows its schema loads and reloads. */
  schema: SchemaSource;
  execute: RestExecutor;
  maxBodyBytes: number;
  registry: Registry;
  log: Logger;
}

/** The REST door, assembled (server.ts calls this once when REST_ROUTES is set). */
export function createRestDoor(opts: RestDoorOptions): ReturnType<typeof restHandler> {
  const docs = opts.config.docs ? createDocsPage() : undefined;
  if (opts.config.docs && !docs) opts.log.warn('REST_DOCS: swagger-ui-dist is not installed (a devDependency), so /api/docs is off');
  return restHandler({
    table: new RestRouteTable(opts.config, opts.schema, opts.log),
    execute: opts.execute,
    maxBodyBytes: opts.maxBodyBytes,
    metrics: new RestMetrics(opts.registry),
    log: opts.log,
    docs,
  });
}

/** Methods the routes use beyond GET and POST: CORS preflights must allow them too. */
export function restCorsMethods(config: false | RestConfig): string[] {
  if (!config) return [];
  return [...new Set(config.routes.map((r) => r.method).filter((m) => m !== 'GET' && m !== 'POST'))];
}
