import { Kind, TypeInfo, visit, visitWithTypeInfo, type GraphQLSchema } from 'graphql';
import { ERRORS, httpStatus, type ErrorCode } from '../errors';
import { statusOfCode } from './answer';
import type { CompiledRoute } from './compiled-route';
import { inputSchema, parameterSchema, withDescription, type JsonSchema } from './json-schema';
import { hasBody } from './rest-config';
import { fragmentsOf } from './selection-path';
import { selectionSchema } from './response-schema';

/** Codes a route can never answer: its body is never a batch, its operation is trusted and checked at load. */
const NOT_FROM_ROUTES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'BATCHING_DISABLED',
  'BATCH_LIMIT_EXCEEDED',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'OPERATION_RESOLUTION_FAILURE',
  'INTROSPECTION_DISABLED',
  'TOKEN_LIMIT_EXCEEDED',
]);

/** Status → the codes that answer with it, from the error table and the routes' own mapping (answer.ts). */
export function errorStatuses(): Map<number, string[]> {
  const out = new Map<number, Set<string>>();
  for (const code of Object.keys(ERRORS) as ErrorCode[]) {
    const own = httpStatus(code);
    if (NOT_FROM_ROUTES.has(code) || (own !== undefined && own < 400)) continue;
    for (const anonymous of [true, false]) {
      const status = statusOfCode(code, anonymous);
      if (!out.has(status)) out.set(status, new Set());
      out.get(status)!.add(code);
    }
  }
  return new Map([...out].sort(([a], [b]) => a - b).map(([s, codes]) => [s, [...codes].sort()]));
}

/**
 * The OpenAPI 3.1 document of the routes over the schema being served (rebuilt on every supergraph
 * load): variables become path and query parameters or the JSON request body, the selection set at
 * the pick becomes the 200 response's JSON Schema (with the schema's nullability), and every error
 * status lists the codes that produce it.
 */
export function buildOpenApi(routes: readonly CompiledRoute[], schema: GraphQLSchema, version: string): JsonSchema {
  const refs = new Map<string, JsonSchema>();
  const statuses = errorStatuses();
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const usedIds = new Set<string>();
  for (const r of routes) {
    const item = (paths[r.route.template.source] ??= {});
    item[r.route.method.toLowerCase()] = operationObject(r, schema, refs, statuses, uniqueId(r.route.operation.name, usedIds));
  }
  const responses: Record<string, JsonSchema> = {};
  for (const [status, codes] of statuses) responses[`Error${status}`] = errorResponse(codes);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Frontdoor REST API',
      version,
      description: 'REST routes over trusted GraphQL operations. Each call runs the same pipeline as POST /graphql (authentication, authorization, limits, caching).',
    },
    paths,
    components: {
      schemas: { ...Object.fromEntries([...refs].sort(([a], [b]) => a.localeCompare(b))), GraphQLError: GRAPHQL_ERROR },
      responses,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    security: [{}, { bearer: [] }],
  };
}

function operationObject(r: CompiledRoute, schema: GraphQLSchema, refs: Map<string, JsonSchema>, statuses: Map<number, string[]>, operationId: string): JsonSchema {
  const described = argumentDescriptions(r, schema);
  const parameters = r.variables
    .filter((v) => v.source === 'path' || v.source === 'query')
    .map((v) => ({
      name: v.name,
      in: v.source,
      required: v.source === 'path' || v.required,
      schema: parameterSchema(v.type, refs),
      ...(described.get(v.name) ? { description: described.get(v.name) } : {}),
    }));
  const bodyVariables = r.variables.filter((v) => v.source === 'body' || v.source === 'body-member');
  const requestBody = hasBody(r.route.method) && bodyVariables.length > 0 ? { required: bodyVariables.some((v) => v.required), content: { 'application/json': { schema: bodySchema(r, refs, described) } } } : undefined;
  const get = r.route.method === 'GET';
  const responses: Record<string, JsonSchema> = {
    '200': {
      description: `The ${r.answerType.name}${r.route.pick.length > 0 ? ` at ${r.route.pick.join('.')}` : ''}; a partial result carries \`errors\` beside its fields.`,
      headers: {
        ...(get ? { ETag: { description: 'Strong validator of the body; send it back in If-None-Match.', schema: { type: 'string' } } } : {}),
        'Cache-Control': { description: "From the operation's cache policy (no-store for mutations and responses with errors).", schema: { type: 'string' } },
      },
      content: { 'application/json': { schema: answerSchema(r, schema) } },
    },
    ...(get ? { '304': { description: 'Not modified: the If-None-Match tag still matches.' } } : {}),
  };
  for (const status of statuses.keys()) {
    if (status === 413 && !requestBody) continue;
    responses[String(status)] = { $ref: `#/components/responses/Error${status}` };
  }
  const rootField = r.operation.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
  const rootDescription = rootField?.kind === Kind.FIELD ? schema.getRootType(r.operation.operation)?.getFields()[rootField.name.value]?.description : undefined;
  return {
    operationId,
    summary: r.route.summary ?? rootDescription ?? r.route.operation.name,
    description: `Runs the trusted ${r.operation.operation} \`${r.route.operation.name}\`.`,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

function bodySchema(r: CompiledRoute, refs: Map<string, JsonSchema>, described: Map<string, string>): JsonSchema {
  const whole = r.variables.find((v) => v.source === 'body');
  if (whole) return withDescription(inputSchema(whole.type, refs), described.get(whole.name));
  const members = r.variables.filter((v) => v.source === 'body-member');
  return {
    type: 'object',
    properties: Object.fromEntries(members.map((v) => [v.name, withDescription(inputSchema(v.type, refs), described.get(v.name))])),
    ...(members.some((v) => v.required) ? { required: members.filter((v) => v.required).map((v) => v.name) } : {}),
    additionalProperties: false,
  };
}

/** The selection at the pick, plus the optional `errors` of a partial result. */
function answerSchema(r: CompiledRoute, schema: GraphQLSchema): JsonSchema {
  const selection = selectionSchema(schema, r.answerType, r.answerSelection, fragmentsOf(r.document));
  const properties = { ...(selection.properties as Record<string, JsonSchema>), errors: { type: 'array', items: { $ref: '#/components/schemas/GraphQLError' }, description: 'Partial result: what failed, each with its path and extensions.code.' } };
  return { ...selection, properties };
}

/** A variable passed straight to an argument takes that argument's description. */
function argumentDescriptions(r: CompiledRoute, schema: GraphQLSchema): Map<string, string> {
  const out = new Map<string, string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    r.document,
    visitWithTypeInfo(typeInfo, {
      Argument(node) {
        const description = typeInfo.getArgument()?.description;
        if (node.value.kind === Kind.VARIABLE && description && !out.has(node.value.name.value)) out.set(node.value.name.value, description);
      },
    }),
  );
  return out;
}

function errorResponse(codes: readonly string[]): JsonSchema {
  return {
    description: `extensions.code is one of: ${codes.join(', ')}`,
    content: {
      'application/json': {
        schema: {
          type: 'object',
          required: ['errors'],
          properties: {
            errors: {
              type: 'array',
              minItems: 1,
              items: { allOf: [{ $ref: '#/components/schemas/GraphQLError' }, { properties: { extensions: { properties: { code: { enum: codes } } } } }] },
            },
          },
        },
      },
    },
  };
}

const GRAPHQL_ERROR: JsonSchema = {
  type: 'object',
  required: ['message'],
  properties: {
    message: { type: 'string' },
    path: { type: 'array', items: { type: ['string', 'integer'] } },
    locations: { type: 'array', items: { type: 'object', properties: { line: { type: 'integer' }, column: { type: 'integer' } } } },
    extensions: { type: 'object', properties: { code: { type: 'string' } } },
  },
};

function uniqueId(name: string, used: Set<string>): string {
  let id = name;
  for (let i = 2; used.has(id); i += 1) id = `${name}${i}`;
  used.add(id);
  return id;
}
