/**
 * Route path templates in OpenAPI's own syntax (`/api/users/{id}/profile`), so the template in the
 * config file is the key of the OpenAPI document's `paths` as written. Pure: no Apollo, no I/O.
 */

export type PathSegment = { kind: 'literal'; value: string } | { kind: 'param'; name: string };

export interface PathTemplate {
  /** As configured, e.g. `/api/orders/{id}`. */
  readonly source: string;
  readonly segments: readonly PathSegment[];
  /** Parameter names in order of appearance. */
  readonly params: readonly string[];
}

/** Unreserved URL characters (RFC 3986) only: a template never needs escaping to be matched. */
const LITERAL = /^[A-Za-z0-9._~-]+$/;
/** A parameter names a GraphQL variable, so it follows GraphQL's name rule. */
const PARAM = /^\{([_A-Za-z][_0-9A-Za-z]*)\}$/;

export function parsePathTemplate(source: string): { ok: true; template: PathTemplate } | { ok: false; problem: string } {
  if (!source.startsWith('/') || source.length < 2) return { ok: false, problem: 'must start with / and name a path' };
  if (source.endsWith('/')) return { ok: false, problem: 'must not end with /' };
  const segments: PathSegment[] = [];
  const params: string[] = [];
  for (const part of source.slice(1).split('/')) {
    const param = PARAM.exec(part);
    if (param?.[1]) {
      if (params.includes(param[1])) return { ok: false, problem: `parameter {${param[1]}} appears twice` };
      params.push(param[1]);
      segments.push({ kind: 'param', name: param[1] });
    } else if (LITERAL.test(part)) {
      segments.push({ kind: 'literal', value: part });
    } else {
      return { ok: false, problem: `segment "${part}" must be a literal of letters, digits and . _ ~ - or a {parameter}` };
    }
  }
  return { ok: true, template: { source, segments, params } };
}

/**
 * The template's shape with parameter names erased: two routes of one method with the same shape
 * could never be told apart (`/orders/{id}` and `/orders/{orderId}`).
 */
export function templateShape(t: PathTemplate): string {
  return t.segments.map((s) => (s.kind === 'literal' ? s.value : '{}')).join('/');
}

/**
 * Matches a request path (already split on `/`, still percent-encoded) against a template.
 * Parameter values are percent-decoded; an undecodable one does not match.
 */
export function matchTemplate(t: PathTemplate, parts: readonly string[]): Record<string, string> | null {
  if (parts.length !== t.segments.length) return null;
  let params: Record<string, string> | null = null;
  for (let i = 0; i < parts.length; i += 1) {
    const segment = t.segments[i]!;
    const part = parts[i]!;
    if (segment.kind === 'literal') {
      if (segment.value !== part) return null;
      continue;
    }
    if (part.length === 0) return null;
    let value: string;
    try {
      value = decodeURIComponent(part);
    } catch {
      return null;
    }
    (params ??= {})[segment.name] = value;
  }
  return params ?? {};
}

/**
 * Orders templates so literals win over parameters at the first segment where two differ:
 * `/users/me` is tried before `/users/{id}`.
 */
export function compareSpecificity(a: PathTemplate, b: PathTemplate): number {
  const n = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i += 1) {
    const ka = a.segments[i]!.kind;
    const kb = b.segments[i]!.kind;
    if (ka !== kb) return ka === 'literal' ? -1 : 1;
  }
  return 0;
}
