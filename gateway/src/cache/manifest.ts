import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse, print, type DocumentNode } from 'graphql';
import { z } from 'zod';

/**
 * Apollo's persisted-query manifest (what `generate-persisted-query-manifest` writes and GraphOS
 * publishes): the operations a trusted client may send, by id. Clients send the id as
 * `extensions.persistedQuery.sha256Hash` without the body.
 */
const ManifestSchema = z.object({
  format: z.literal('apollo-persisted-query-manifest'),
  version: z.literal(1),
  operations: z
    .array(
      z.object({
        id: z.string().min(1),
        name: z.string().min(1),
        type: z.enum(['query', 'mutation', 'subscription']),
        body: z.string().min(1),
      }),
    )
    .min(1),
});

export type ManifestOperation = z.infer<typeof ManifestSchema>['operations'][number];

/** Reads and validates a manifest file; throws an Error whose message says what is wrong. */
export function loadManifest(file: string): ManifestOperation[] {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read ${file} as JSON (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const parsed = ManifestSchema.safeParse(doc);
  if (!parsed.success) {
    throw new Error(`${file} is not an apollo-persisted-query-manifest v1: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const ids = new Set<string>();
  for (const op of parsed.data.operations) {
    if (ids.has(op.id)) throw new Error(`${file}: operation id ${op.id} appears twice`);
    ids.add(op.id);
    try {
      parse(op.body);
    } catch (err) {
      throw new Error(`${file}: operation ${op.name} does not parse: ${(err as Error).message}`);
    }
  }
  return parsed.data.operations;
}

/** The id Apollo's tooling gives an operation: the sha256 of its body (also the APQ hash of that body). */
export function operationId(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

/**
 * A manifest indexed for the two questions the gateway asks: the body of an id (clients that send
 * only the id) and whether a full body is listed (safelist). A body is listed when it is a
 * manifest body exactly, or prints the same once parsed (whitespace and comments do not matter).
 */
export class TrustedDocuments {
  private readonly bodyById = new Map<string, string>();
  private readonly listedHashes = new Set<string>();
  private readonly listedNormalized = new Set<string>();

  constructor(readonly operations: readonly ManifestOperation[]) {
    for (const op of operations) {
      this.bodyById.set(op.id, op.body);
      this.listedHashes.add(operationId(op.body));
      this.listedNormalized.add(normalize(op.body));
    }
  }

  get size(): number {
    return this.bodyById.size;
  }

  bodyOf(id: string): string | undefined {
    return this.bodyById.get(id);
  }

  /**
   * `sourceHash` is the sha256 of the source (Apollo Server's `queryHash`): the common case, an
   * exact manifest body, costs one set lookup. Otherwise the parsed document is printed and compared.
   */
  isListed(sourceHash: string, document: DocumentNode): boolean {
    return this.listedHashes.has(sourceHash) || this.listedNormalized.has(print(document));
  }
}

function normalize(body: string): string {
  return print(parse(body, { noLocation: true }));
}
