import { copyFileSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validate } from '@readme/openapi-parser';
import Ajv2020 from 'ajv/dist/2020';
import type { ReloadOutcome } from '../../gateway/src/supergraph/file-supergraph-manager';
import { call, DEV_CONFIG_FILE, type RestResult } from '../helpers/rest';
import { startStack, type Stack } from '../helpers/stack';
import { bearer, profileOwner } from '../helpers/tokens';

const ROOT = path.resolve(__dirname, '../..');
const USER_DESCRIPTION = 'The user with this id, or null when there is none.';

type OpenApi = { paths: Record<string, Record<string, { summary?: string; parameters?: Array<{ name: string; in: string; required: boolean }>; requestBody?: unknown }>> };

/**
 * The OpenAPI document of the routes `npm start` ships: valid OpenAPI 3.1 (checked by
 * @readme/openapi-parser), and every real answer of the routes valid against its own response
 * schema (checked by Ajv's 2020-12 dialect, OpenAPI 3.1's), errors and partial results included.
 */
describe('REST OpenAPI document', () => {
  let stack: Stack;
  let supergraphFile: string;
  const reloads: ReloadOutcome[] = [];
  beforeAll(async () => {
    supergraphFile = path.join(mkdtempSync(path.join(tmpdir(), 'frontdoor-openapi-')), 'supergraph.graphql');
    copyFileSync(path.join(ROOT, 'supergraph.graphql'), supergraphFile);
    stack = await startStack({
      env: { CONFIG_FILE: DEV_CONFIG_FILE, SUPERGRAPH_PATH: supergraphFile, SUPERGRAPH_WATCH: 'true' },
      gatewayDeps: { onSupergraphReload: (o) => reloads.push(o) },
    });
  });
  afterAll(() => stack.stop());

  const fetchDoc = async (): Promise<RestResult> => call(stack.gatewayUrl, '/api/openapi.json');

  it('when /api/openapi.json is fetched, then it is a valid OpenAPI 3.1 document with the three routes, revalidated by ETag', async () => {
    // Act
    const res = await fetchDoc();
    const result = await validate(JSON.parse(res.text) as never);
    const again = await call(stack.gatewayUrl, '/api/openapi.json', { headers: { 'if-none-match': res.headers.get('etag') ?? '' } });

    // Assert
    expect(result.valid ? [] : result.errors).toEqual([]);
    const doc = res.json as OpenApi & { openapi: string };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(['/api/orders', '/api/orders/{id}', '/api/users/{id}/profile']);
    expect(doc.paths['/api/orders/{id}']?.get?.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
    expect(doc.paths['/api/orders']?.post?.requestBody).toMatchObject({ required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/PlaceOrderInput' } } } });
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(again.status).toBe(304);
  });

  it('when the routes answer (whole, partial, created, refused, not found), then every answer matches its documented schema', async () => {
    // Arrange
    const doc = (await fetchDoc()).json as OpenApi;
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    ajv.addSchema(doc, 'openapi');
    /** Validates an answer against the schema its route documents for its status (following a response $ref). */
    const check = (route: string, method: string, res: RestResult): string | null => {
      const documented = (doc.paths[route]?.[method] as { responses?: Record<string, { $ref?: string }> } | undefined)?.responses?.[String(res.status)];
      if (!documented) return `${method} ${route} ${res.status} is not documented`;
      const token = (t: string) => encodeURIComponent(t.replaceAll('~', '~0').replaceAll('/', '~1'));
      const at = documented.$ref ? documented.$ref.slice(1) : `/${['paths', route, method, 'responses', String(res.status)].map(token).join('/')}`;
      const validator = ajv.compile({ $ref: `openapi#${at}/content/application~1json/schema` });
      return validator(res.json) ? null : ajv.errorsText(validator.errors);
    };
    const buyer = await bearer('41', 'orders:read payments:read');

    // Act
    const whole = await call(stack.gatewayUrl, '/api/users/41/profile', { headers: await profileOwner('41') });
    const partial = await call(stack.gatewayUrl, '/api/users/42/profile');
    const notFound = await call(stack.gatewayUrl, '/api/users/nobody/profile');
    const order = await call(stack.gatewayUrl, '/api/orders/o-41-1', { headers: buyer });
    const unauthenticated = await call(stack.gatewayUrl, '/api/orders/o-41-1');
    const placed = await call(stack.gatewayUrl, '/api/orders', { method: 'POST', headers: buyer, body: { items: [{ sku: 'SKU-002', quantity: 1 }] } });
    const badInput = await call(stack.gatewayUrl, '/api/orders', { method: 'POST', headers: buyer, body: { items: 'none' } });

    // Assert
    expect([whole.status, partial.status, notFound.status, order.status, unauthenticated.status, placed.status, badInput.status]).toEqual([200, 200, 404, 200, 401, 200, 400]);
    expect((partial.json as { errors?: unknown[] }).errors?.length).toBeGreaterThan(0);
    expect(check('/api/users/{id}/profile', 'get', whole)).toBeNull();
    expect(check('/api/users/{id}/profile', 'get', partial)).toBeNull();
    expect(check('/api/users/{id}/profile', 'get', notFound)).toBeNull();
    expect(check('/api/orders/{id}', 'get', order)).toBeNull();
    expect(check('/api/orders/{id}', 'get', unauthenticated)).toBeNull();
    expect(check('/api/orders', 'post', placed)).toBeNull();
    expect(check('/api/orders', 'post', badInput)).toBeNull();
    // The schema is strict enough to fail a wrong answer.
    expect(check('/api/orders/{id}', 'get', { ...whole, status: 200 })).not.toBeNull();
  });

  it('when the supergraph is reloaded, then the document is regenerated from the new schema', async () => {
    // Arrange
    const before = ((await fetchDoc()).json as OpenApi).paths['/api/users/{id}/profile']?.get?.summary;
    const since = reloads.length;
    const sdl = readFileSync(supergraphFile, 'utf8').replace(USER_DESCRIPTION, 'The user with this id (reloaded).');
    writeFileSync(`${supergraphFile}.tmp`, sdl);

    // Act
    renameSync(`${supergraphFile}.tmp`, supergraphFile);
    for (let i = 0; i < 100 && !reloads.slice(since).some((o) => o.status === 'updated'); i += 1) await new Promise((r) => setTimeout(r, 50));
    const after = ((await fetchDoc()).json as OpenApi).paths['/api/users/{id}/profile']?.get?.summary;

    // Assert
    expect(before).toBe(USER_DESCRIPTION);
    expect(after).toBe('The user with this id (reloaded).');
  });

  it('when /api/docs is opened in development, then Swagger UI is served from this origin with a CSP that allows nothing else', async () => {
    // Act
    const page = await call(stack.gatewayUrl, '/api/docs');
    const bundle = await call(stack.gatewayUrl, '/api/docs/swagger-ui-bundle.js');

    // Assert
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).not.toMatch(/https?:\/\//);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toContain('javascript');
  });
});
