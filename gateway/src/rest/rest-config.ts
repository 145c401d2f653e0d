import path from 'node:path';
import { Kind, parse, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { z } from 'zod';
import { loadManifest, type ManifestOperation } from '../cache/manifest';
import { bool } from '../env-values';
import { compareSpecificity, parsePathTemplate, templateShape, type PathTemplate } from './path-template';
import { findSelection, operationNamed } from './selection-path';

/**
 * The REST variables, merged into config.ts's one EnvSchema. The route table does not fit one
 * scalar variable: REST_ROUTES is JSON in the environment, or a YAML/JSON mapping under the same
 * key in CONFIG_FILE (config.ts serialises it back to JSON), like CLIENT_POLICIES.
 */
export const REST_ENV = {
  /** Route table: `"METHOD /path/{param}"` → operation name, or `{ operation, pick, body, summary }` (docs/rest.md). Unset: no routes and no /api/openapi.json. @default unset */
  REST_ROUTES: z.string().optional(),
  /** Persisted-query manifest the routes' operations come from (never from the request). @default PERSISTED_QUERIES_MANIFEST, else <repo>/gateway/operations/persisted-query-manifest.json */
  REST_OPERATIONS_MANIFEST: z.string().min(1).optional(),
  /** Swagger UI for /api/openapi.json at /api/docs, served from swagger-ui-dist (a devDependency; no CDN). Refused in production. @default true, false when NODE_ENV=production */
  REST_DOCS: bool.optional(),
};

/** The gateway's own paths: no route may take them. */
export const OPENAPI_PATH = '/api/openapi.json';
export const DOCS_PATH = '/api/docs';
const RESERVED_PATHS: ReadonlySet<string> = new Set(['/graphql', '/health', '/ready', '/metrics', '/auth/logout', OPENAPI_PATH, DOCS_PATH]);

const DEFAULT_MANIFEST = path.resolve(__dirname, '..', '..', 'operations', 'persisted-query-manifest.json');

export const REST_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type RestMethod = (typeof REST_METHODS)[number];

/** Methods whose JSON body carries variables; the others take them from the query string. */
export function hasBody(method: RestMethod): boolean {
  return method === 'POST' || method === 'PUT' || method === 'PATCH';
}

const RouteSchema = z.union([
  z.string().min(1),
  z
    .object({
      /** Operation name in the manifest. */
      operation: z.string().min(1),
      /** Dot-separated response keys below `data` (`user`): the route answers that object. @default all of data */
      pick: z.string().min(1).optional(),
      /** The variable that receives the whole JSON body (`input`); otherwise body members are variables by name. */
      body: z.string().min(1).optional(),
      /** OpenAPI summary. @default the root field's description */
      summary: z.string().min(1).max(200).optional(),
    })
    .strict(),
]);

export interface RestRoute {
  /** `GET /api/orders/{id}`: the request log's and metrics' route label. */
  readonly label: string;
  readonly method: RestMethod;
  readonly template: PathTemplate;
  readonly operation: ManifestOperation;
  /** Response keys from `data` down to what the route answers; empty: all of `data`. */
  readonly pick: readonly string[];
  /** The variable the whole JSON body becomes; undefined: body members are variables by name. */
  readonly bodyVariable: string | undefined;
  readonly summary: string | undefined;
}

export interface RestConfig {
  /** Most specific first (literal segments before parameters). */
  readonly routes: readonly RestRoute[];
  /** Serve Swagger UI at /api/docs. */
  readonly docs: boolean;
  readonly manifestPath: string;
}

export interface RestEnv {
  REST_ROUTES?: string | undefined;
  REST_OPERATIONS_MANIFEST?: string | undefined;
  REST_DOCS?: boolean | undefined;
  PERSISTED_QUERIES_MANIFEST?: string | undefined;
  NODE_ENV: 'development' | 'production' | 'test';
}

/** `false` when REST_ROUTES is unset or empty. Problems (bad keys, unknown operations, …) go to `problems`. */
export function toRestConfig(e: RestEnv, problems: string[]): RestConfig | false {
  const production = e.NODE_ENV === 'production';
  if (production && e.REST_DOCS === true) problems.push('REST_DOCS: the docs page is for development; production serves /api/openapi.json only');
  const table = readTable(e.REST_ROUTES, problems);
  if (!table || Object.keys(table).length === 0) return false;
  const manifestPath = e.REST_OPERATIONS_MANIFEST ?? e.PERSISTED_QUERIES_MANIFEST ?? DEFAULT_MANIFEST;
  let operations: ManifestOperation[];
  try {
    operations = loadManifest(manifestPath);
  } catch (err) {
    problems.push(`REST_OPERATIONS_MANIFEST: ${(err as Error).message}`);
    return false;
  }
  const routes: RestRoute[] = [];
  for (const [key, value] of Object.entries(table)) {
    const route = readRoute(key, value, operations, problems);
    if (route) routes.push(route);
  }
  checkOverlaps(routes, problems);
  routes.sort((a, b) => compareSpecificity(a.template, b.template));
  return { routes, docs: e.REST_DOCS ?? !production, manifestPath };
}

function readTable(json: string | undefined, problems: string[]): Record<string, unknown> | undefined {
  if (json === undefined || json.trim() === '') return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (err) {
    problems.push(`REST_ROUTES: not valid JSON (${(err as Error).message})`);
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    problems.push('REST_ROUTES: must be an object of "METHOD /path" → operation');
    return undefined;
  }
  return doc as Record<string, unknown>;
}

function readRoute(key: string, value: unknown, operations: readonly ManifestOperation[], problems: string[]): RestRoute | undefined {
  const at = `REST_ROUTES."${key}"`;
  const [method, pathSource, ...rest] = key.trim().split(/\s+/);
  if (!method || !pathSource || rest.length > 0 || !(REST_METHODS as readonly string[]).includes(method)) {
    problems.push(`${at}: the key must be "METHOD /path" with METHOD one of ${REST_METHODS.join(', ')}`);
    return undefined;
  }
  const parsedPath = parsePathTemplate(pathSource);
  if (!parsedPath.ok) {
    problems.push(`${at}: the path ${parsedPath.problem}`);
    return undefined;
  }
  if (RESERVED_PATHS.has(pathSource) || pathSource.startsWith(`${DOCS_PATH}/`)) {
    problems.push(`${at}: ${pathSource} is one of the gateway's own paths`);
    return undefined;
  }
  const parsed = RouteSchema.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${[at, ...issue.path].join('.')}: ${issue.message}`);
    return undefined;
  }
  const spec = typeof parsed.data === 'string' ? { operation: parsed.data } : parsed.data;
  const operation = operations.find((o) => o.name === spec.operation);
  if (!operation) {
    problems.push(`${at}.operation: ${spec.operation} is not in the operations manifest (add it to gateway/operations/ and run npm run manifest)`);
    return undefined;
  }
  const route: RestRoute = {
    label: `${method} ${pathSource}`,
    method: method as RestMethod,
    template: parsedPath.template,
    operation,
    pick: spec.pick ? spec.pick.split('.') : [],
    bodyVariable: spec.body,
    summary: spec.summary,
  };
  const before = problems.length;
  checkAgainstOperation(route, parse(operation.body, { noLocation: true }), at, problems);
  return problems.length === before ? route : undefined;
}

/** What can be checked without the schema: method vs operation type, variables, the pick. */
function checkAgainstOperation(route: RestRoute, doc: DocumentNode, at: string, problems: string[]): void {
  const op: OperationDefinitionNode | undefined = operationNamed(doc, route.operation.name);
  if (!op) {
    problems.push(`${at}.operation: ${route.operation.name} is not an operation of its manifest entry`);
    return;
  }
  if (op.operation === 'subscription') problems.push(`${at}.operation: subscriptions cannot be REST routes`);
  // GET must stay safe (caches and crawlers repeat it); a mutation behind it would run on every repeat.
  if (op.operation === 'query' && route.method !== 'GET') problems.push(`${at}: a query is served with GET (got ${route.method})`);
  if (op.operation === 'mutation' && route.method === 'GET') problems.push(`${at}: a mutation cannot be served with GET`);
  const variables = new Map((op.variableDefinitions ?? []).map((v) => [v.variable.name.value, v]));
  for (const name of route.template.params) {
    const variable = variables.get(name);
    if (!variable) problems.push(`${at}: path parameter {${name}} is not a variable of ${route.operation.name}`);
    else if (variable.type.kind === Kind.LIST_TYPE || (variable.type.kind === Kind.NON_NULL_TYPE && variable.type.type.kind === Kind.LIST_TYPE)) {
      problems.push(`${at}: path parameter {${name}} is a list; lists go in the query string or the body`);
    }
  }
  if (route.bodyVariable !== undefined) {
    if (!hasBody(route.method)) problems.push(`${at}.body: ${route.method} has no body`);
    else if (!variables.has(route.bodyVariable)) problems.push(`${at}.body: ${route.bodyVariable} is not a variable of ${route.operation.name}`);
    else if (route.template.params.includes(route.bodyVariable)) problems.push(`${at}.body: ${route.bodyVariable} is already a path parameter`);
  }
  if (route.pick.length > 0 && !findSelection(doc, op, route.pick)) {
    problems.push(`${at}.pick: ${route.pick.join('.')} is not a field the operation selects`);
  }
}

/** Two routes of one method with the same shape could never be told apart. */
function checkOverlaps(routes: readonly RestRoute[], problems: string[]): void {
  const seen = new Map<string, string>();
  for (const r of routes) {
    const shape = `${r.method} ${templateShape(r.template)}`;
    const other = seen.get(shape);
    if (other) problems.push(`REST_ROUTES."${r.label}": matches the same requests as "${other}"`);
    else seen.set(shape, r.label);
  }
}
