import type { Observation } from './probe';

/**
 * The results a streamed answer carries, for the same checks as a JSON body (invariants.ts), and
 * what is wrong with its framing. Three stream shapes exist (PROTOCOLS.md): GraphQL over SSE
 * (`event: next` results, always ending with `event: complete`), Apollo's multipart subscriptions
 * (`{"payload": …}` parts, `{}` heartbeats, `{"payload": null, "errors": …}` for a transport
 * error) and incremental delivery for @defer (`{"data"|"incremental", "hasNext"}` parts).
 * Undefined when the answer is not a stream.
 */
export function streamedResults(seen: Observation): { results: unknown[]; problems: string[] } | undefined {
  const type = seen.contentType.toLowerCase();
  if (type.startsWith('text/event-stream')) return sseResults(seen);
  if (type.startsWith('multipart/mixed')) return multipartResults(seen);
  return undefined;
}

function sseResults(seen: Observation): { results: unknown[]; problems: string[] } {
  const results: unknown[] = [];
  const problems: string[] = [];
  let completed = false;
  const blocks = seen.body.split('\n\n');
  // An event is whole once its blank line has arrived: what follows the last one (empty for a
  // stream that ended properly) is an event the read cut in two, not a wrong one.
  const tail = blocks.pop() ?? '';
  if (tail.trim() !== '' && !seen.cutShort) problems.push(`SSE stream ended inside an event: ${tail.slice(0, 200)}`);
  for (const block of blocks) {
    const lines = block.split('\n').filter((line) => line !== '' && !line.startsWith(':'));
    if (lines.length === 0) continue;
    if (completed) problems.push('SSE event after event: complete');
    const event = lines.find((line) => line.startsWith('event:'))?.slice(6).trim();
    const data = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(5).replace(/^ /, '')).join('\n');
    if (event === 'complete') completed = true;
    else if (event === 'next') results.push(...parsed(data, problems));
    else problems.push(`SSE event ${JSON.stringify(event)} is neither next nor complete`);
  }
  if (!completed && !seen.cutShort) problems.push('SSE stream ended without event: complete');
  return { results, problems };
}

function multipartResults(seen: Observation): { results: unknown[]; problems: string[] } {
  const boundary = /boundary="?([^";,]+)"?/i.exec(seen.contentType)?.[1];
  if (!boundary) return { results: [], problems: [`multipart answer without a boundary: ${seen.contentType}`] };
  const problems: string[] = [];
  const results: unknown[] = [];
  // RFC 2046: a delimiter is CRLF, `--` and the boundary. Without the CRLF, a part whose JSON holds
  // the text `--graphql` (or `---` for @defer's boundary `-`) would be split in two.
  const delimiter = `\r\n--${boundary}`;
  const sections = seen.body.split(delimiter);
  const closed = sections.length > 1 && sections[sections.length - 1]!.startsWith('--');
  if (!closed && !seen.cutShort) problems.push('multipart answer ended without its closing delimiter');
  // Before the first delimiter is the preamble; after the closing one, the epilogue. Unclosed, the
  // last section is a part no delimiter has followed yet: a client would not hand it over either.
  for (const section of sections.slice(1, -1)) {
    const split = section.indexOf('\r\n\r\n');
    if (split < 0) {
      problems.push(`multipart part without headers: ${section.slice(0, 200)}`);
      continue;
    }
    const body = section.slice(split + 4);
    for (const part of parsed(body, problems)) results.push(...partResults(part));
  }
  return { results, problems };
}

/** A multipart part as the results to check: the subscription wrapper unwrapped, @defer's incremental items listed. */
function partResults(part: unknown): unknown[] {
  if (typeof part !== 'object' || part === null || Array.isArray(part)) return [part];
  const record = part as Record<string, unknown>;
  if (Object.keys(record).length === 0) return []; // heartbeat
  if ('payload' in record) {
    const out: unknown[] = record.payload === null ? [] : [record.payload];
    if (record.errors !== undefined) out.push({ errors: record.errors });
    return out;
  }
  if ('hasNext' in record) {
    const items = Array.isArray(record.incremental) ? (record.incremental as unknown[]) : [];
    const own = record.data !== undefined || record.errors !== undefined ? [{ data: record.data, errors: record.errors }] : [];
    return [...own, ...items.map((item) => ({ data: (item as { data?: unknown }).data ?? null, errors: (item as { errors?: unknown }).errors }))];
  }
  return [part];
}

function parsed(text: string, problems: string[]): unknown[] {
  try {
    return [JSON.parse(text) as unknown];
  } catch {
    problems.push(`streamed part is not JSON: ${text.slice(0, 200)}`);
    return [];
  }
}
