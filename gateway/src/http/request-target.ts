/** The base origin-form targets are resolved against; never contacted. */
const BASE = 'http://gateway.invalid';

/**
 * Pure: the URL of a request target in any of HTTP/1.1's forms (RFC 9112 §3.2), or undefined when
 * it is not one (→ 400). Never throws: `new URL()` on a client's `GET http://[ HTTP/1.1` used to
 * throw inside the request handler and take the whole process down (issue #12).
 * Origin-form (`/graphql?…`) is appended to the base rather than resolved against it, so `//graphql`
 * stays a path instead of naming a host; absolute-form (`http://host/graphql`, what proxies
 * send) keeps its path; `*` (OPTIONS) is the path `/*`.
 */
export function parseRequestTarget(target: string | undefined): URL | undefined {
  const raw = target === undefined || target === '' ? '/' : target;
  try {
    if (raw.startsWith('/')) return new URL(`${BASE}${raw}`);
    if (raw === '*') return new URL(`${BASE}/*`);
    const absolute = new URL(raw);
    return absolute.protocol === 'http:' || absolute.protocol === 'https:' ? absolute : undefined;
  } catch {
    return undefined;
  }
}
