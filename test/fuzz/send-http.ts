import { request, type Dispatcher } from 'undici';
import type { HttpProbe, Observation } from './probe';

/**
 * How long a streamed answer (SSE, multipart) is read: a subscription the probe opened stays open
 * until then. Long enough for a refusal or a @defer stream to end, short enough that subscriptions
 * (every fifteenth probe) do not take most of a bounded run.
 */
const STREAM_READ_MS = 750;

/**
 * Sends one HTTP probe as it is (undici's `request`: any method, raw body, no header rewriting
 * beyond what HTTP/1.1 framing needs) and reads the whole answer, or, for a stream, what arrives
 * within STREAM_READ_MS.
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
  const type = res.headers['content-type'];
  const contentType = Array.isArray(type) ? type.join(', ') : (type ?? '');
  if (!isStream(contentType)) return { status: res.statusCode, contentType, body: await res.body.text() };
  const { text, ended } = await readFor(res.body, STREAM_READ_MS);
  return { status: res.statusCode, contentType, body: text, ...(ended ? {} : { cutShort: true }) };
}

function isStream(contentType: string): boolean {
  const type = contentType.toLowerCase();
  return type.startsWith('text/event-stream') || type.startsWith('multipart/mixed');
}

/** Reads a body until it ends or `ms` pass; then stops reading and frees the connection. */
async function readFor(body: Dispatcher.ResponseData['body'], ms: number): Promise<{ text: string; ended: boolean }> {
  const chunks: Buffer[] = [];
  const deadline = setTimeout(() => body.destroy(), ms);
  try {
    for await (const chunk of body) chunks.push(chunk as Buffer);
    return { text: Buffer.concat(chunks).toString('utf8'), ended: true };
  } catch {
    return { text: Buffer.concat(chunks).toString('utf8'), ended: false };
  } finally {
    clearTimeout(deadline);
  }
}
