import { createHash } from 'node:crypto';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from '../logger';
import { compileRoute, type CompiledRoute } from './compiled-route';
import { strongEtag } from './http-caching';
import { buildOpenApi } from './openapi';
import { matchTemplate } from './path-template';
import type { RestConfig, RestRoute } from './rest-config';

export type RouteMatch =
  | { kind: 'route'; route: CompiledRoute; params: Record<string, string> }
  /** The path is a route's, the method is not: `allow` lists the ones that are. */
  | { kind: 'method-not-allowed'; allow: string }
  /** The route's operation does not fit the schema being served (logged at load). */
  | { kind: 'broken'; route: RestRoute }
  /** No supergraph loaded yet. */
  | { kind: 'not-ready' }
  | { kind: 'none' };

interface Loaded {
  routes: ReadonlyArray<{ route: RestRoute; compiled: CompiledRoute | undefined }>;
  openapi: { body: string; etag: string };
}

/** What the table subscribes to: ApolloGateway's schema notifications (initial load and every hot reload). */
export interface SchemaSource {
  onSchemaLoadOrUpdate(callback: (update: { apiSchema: GraphQLSchema; coreSupergraphSdl: string }) => void): unknown;
}

/**
 * The configured routes checked against the schema being served, and their OpenAPI document, both
 * rebuilt on every supergraph load. A request reads one `Loaded` snapshot, so a reload mid-request
 * cannot mix two schemas.
 */
export class RestRouteTable {
  private loaded: Loaded | undefined;

  constructor(
    private readonly config: RestConfig,
    source: SchemaSource,
    private readonly log: Logger,
  ) {
    source.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => this.load(apiSchema, coreSupergraphSdl));
  }

  /** The document at /api/openapi.json; undefined until a supergraph is loaded. */
  get openapi(): Loaded['openapi'] | undefined {
    return this.loaded?.openapi;
  }

  load(schema: GraphQLSchema, supergraphSdl: string): void {
    const routes = this.config.routes.map((route) => {
      const result = compileRoute(route, schema);
      // Loud, but the gateway keeps serving: the other routes and /graphql are unaffected.
      if (!result.ok) this.log.error({ route: route.label, problem: result.problem }, 'rest route disabled: its operation does not fit the supergraph');
      return { route, compiled: result.ok ? result.route : undefined };
    });
    const version = createHash('sha256').update(supergraphSdl).digest('hex').slice(0, 12);
    const compiled = routes.flatMap((r) => (r.compiled ? [r.compiled] : []));
    const body = JSON.stringify(buildOpenApi(compiled, schema, version));
    this.loaded = { routes, openapi: { body, etag: strongEtag(body) } };
    this.log.debug({ routes: compiled.length, disabled: routes.length - compiled.length, version }, 'rest routes compiled');
  }

  /** HEAD is served by the GET route. Literal segments win over parameters (the config sorted the routes). */
  match(method: string, pathname: string): RouteMatch {
    const loaded = this.loaded;
    const parts = pathname.slice(1).split('/');
    const wanted = method === 'HEAD' ? 'GET' : method;
    let allowed: string[] | undefined;
    for (const { route, compiled } of loaded?.routes ?? this.config.routes.map((route) => ({ route, compiled: undefined }))) {
      const params = matchTemplate(route.template, parts);
      if (!params) continue;
      if (route.method !== wanted) {
        (allowed ??= []).push(...(route.method === 'GET' ? ['GET', 'HEAD'] : [route.method]));
        continue;
      }
      if (!loaded) return { kind: 'not-ready' };
      return compiled ? { kind: 'route', route: compiled, params } : { kind: 'broken', route };
    }
    return allowed ? { kind: 'method-not-allowed', allow: [...new Set(allowed)].join(', ') } : { kind: 'none' };
  }
}
