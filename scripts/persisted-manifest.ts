/**
 * Generates gateway/operations/persisted-query-manifest.json (Apollo's persisted-query manifest
 * format) from gateway/operations/*.graphql: one entry per operation, its body printed canonically
 * with the fragments it uses, its id the sha256 of that body (what Apollo's tooling and APQ clients
 * compute). `--check` fails when the committed manifest is stale (a unit test runs the same check).
 *
 *   npm run manifest          # regenerate
 *   npm run manifest -- --check
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, parse, print, visit, type DefinitionNode, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { operationId, type ManifestOperation } from '../gateway/src/cache/manifest';

export const OPERATIONS_DIR = path.resolve(__dirname, '..', 'gateway', 'operations');
export const MANIFEST_PATH = path.join(OPERATIONS_DIR, 'persisted-query-manifest.json');

export function buildManifest(dir: string = OPERATIONS_DIR): string {
  const operations: ManifestOperation[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.graphql')).sort()) {
    const doc = parse(readFileSync(path.join(dir, file), 'utf8'), { noLocation: true });
    const fragments = doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
    for (const op of doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)) {
      if (!op.name) throw new Error(`${file}: every persisted operation needs a name`);
      const body = print({ kind: Kind.DOCUMENT, definitions: [op, ...usedFragments(op, fragments)] } as DocumentNode);
      operations.push({ id: operationId(body), name: op.name.value, type: op.operation, body });
    }
  }
  const names = operations.map((o) => o.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new Error(`operation name ${duplicate} appears twice in ${dir}`);
  return `${JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations }, null, 2)}\n`;
}

/** The fragments an operation spreads, directly or through other fragments, in name order. */
function usedFragments(op: OperationDefinitionNode, all: readonly FragmentDefinitionNode[]): FragmentDefinitionNode[] {
  const used = new Map<string, FragmentDefinitionNode>();
  const collect = (node: DefinitionNode): void => {
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        const fragment = all.find((f) => f.name.value === name);
        if (!fragment || used.has(name)) return;
        used.set(name, fragment);
        collect(fragment);
      },
    });
  };
  collect(op);
  return [...used.values()].sort((a, b) => a.name.value.localeCompare(b.name.value));
}

if (require.main === module) {
  const next = buildManifest();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(MANIFEST_PATH, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (current !== next) {
      process.stderr.write(`${path.relative(process.cwd(), MANIFEST_PATH)} is stale: run \`npm run manifest\`\n`);
      process.exit(1);
    }
    process.stdout.write('persisted-query manifest is current\n');
  } else {
    writeFileSync(MANIFEST_PATH, next);
    process.stdout.write(`wrote ${path.relative(process.cwd(), MANIFEST_PATH)}\n`);
  }
}
