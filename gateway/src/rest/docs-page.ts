import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { GatewayResponse } from '../edge/request-types';
import { DOCS_PATH, OPENAPI_PATH } from './rest-config';

/**
 * Swagger UI for /api/openapi.json, from the swagger-ui-dist package's own files: nothing is
 * loaded from a CDN, so the page works offline and its CSP (edge/security-headers.ts) allows this
 * origin only. swagger-ui-dist is a devDependency: the production image does not carry it, and
 * REST_DOCS is refused in production anyway.
 */
export interface DocsPage {
  /** Answers GET /api/docs and its assets; false for any other path under it. */
  serve(pathname: string, res: GatewayResponse): boolean;
}

const INIT_SCRIPT = `window.ui = SwaggerUIBundle({ url: ${JSON.stringify(OPENAPI_PATH)}, dom_id: '#swagger-ui', deepLinking: true, validatorUrl: null });\n`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Frontdoor REST API</title>
<link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
<script src="${DOCS_PATH}/init.js"></script>
</body>
</html>
`;

const ASSETS: Readonly<Record<string, { file: string; type: string }>> = {
  'swagger-ui.css': { file: 'swagger-ui.css', type: 'text/css; charset=utf-8' },
  'swagger-ui-bundle.js': { file: 'swagger-ui-bundle.js', type: 'text/javascript; charset=utf-8' },
};

/** undefined when swagger-ui-dist is not installed (e.g. `npm ci --omit=dev`). */
export function createDocsPage(): DocsPage | undefined {
  let dir: string;
  try {
    dir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  } catch {
    return undefined;
  }
  const cache = new Map<string, Buffer>();
  const send = (res: GatewayResponse, type: string, body: string | Buffer): void => {
    res.statusCode = 200;
    res.setHeader('content-type', type);
    res.setHeader('cache-control', 'no-cache');
    res.end(body);
  };
  return {
    serve: (pathname, res) => {
      if (pathname === DOCS_PATH) {
        send(res, 'text/html; charset=utf-8', PAGE);
        return true;
      }
      const name = pathname.slice(DOCS_PATH.length + 1);
      if (name === 'init.js') {
        send(res, 'text/javascript; charset=utf-8', INIT_SCRIPT);
        return true;
      }
      const asset = ASSETS[name];
      if (!asset) return false;
      let body = cache.get(name);
      if (!body) cache.set(name, (body = readFileSync(path.join(dir, asset.file))));
      send(res, asset.type, body);
      return true;
    },
  };
}
