import { request, type Dispatcher } from 'undici';
import type { HttpProbe, Observation } from './probe';

/**
 * Sends one HTTP probe as it is (undici's `request`: any method, raw body, no header rewriting
 * beyond what HTTP/1.1 framing needs) and reads the whole answer.
 */
export async function sendHttpProbe(origin: string, probe: HttpProbe, dispatcher: Dispatcher): Promise<Observation> {
  // Concatenated, not `new URL(path, origin)`: that reads a path like `//graphql` as another host.
  const res = await request(`${origin}${probe.path}`, {
    dispatcher,
    method: probe.method as 'GET',
    headers: probe.headers,
    ...(probe.body !== undefined ? { body: probe.body } : {}),
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  const body = await res.body.text();
  const type = res.headers['content-type'];
  return { status: res.statusCode, contentType: Array.isArray(type) ? type.join(', ') : (type ?? ''), body };
}
