import {
  Kind,
  parse,
  valueFromASTUntyped,
  type DefinitionNode,
  type DirectiveNode,
} from 'graphql';

/** One directive application, named by its spec (not by the local name it was imported under). */
export interface DirectiveUse {
  /** The spec's own name: `authenticated`, `requiresScopes`, `cost`, `listSize`, `rateLimit`, … */
  name: string;
  /** The spec's URL without its version, e.g. `https://specs.apollo.dev/cost`. */
  spec: string;
  args: Readonly<Record<string, unknown>>;
}

/** Specs whose directives are the supergraph's plumbing, not rules for the gateway. */
const PLUMBING_SPECS = new Set(['https://specs.apollo.dev/link', 'https://specs.apollo.dev/join', 'https://specs.apollo.dev/core']);

/**
 * The directives the composed supergraph keeps (`@authenticated`, `@requiresScopes`, `@cost`,
 * `@listSize`, composed custom directives such as `@rateLimit`), indexed once per schema load by
 * schema coordinate: `Type`, `Type.field` and `Type.field(arg:)`. Per request, features look up the
 * coordinates an operation touches; nothing walks the schema again.
 */
export class DirectiveIndex {
  private constructor(private readonly byCoordinate: ReadonlyMap<string, readonly DirectiveUse[]>) {}

  static fromSupergraphSdl(sdl: string): DirectiveIndex {
    const document = parse(sdl, { noLocation: true });
    const names = linkedDirectiveNames(document.definitions);
    const byCoordinate = new Map<string, DirectiveUse[]>();
    const add = (coordinate: string, directives: readonly DirectiveNode[] | undefined) => {
      const uses = (directives ?? []).flatMap((d) => toUse(d, names));
      if (uses.length > 0) byCoordinate.set(coordinate, [...(byCoordinate.get(coordinate) ?? []), ...uses]);
    };
    for (const def of document.definitions) {
      if (!('name' in def) || !def.name || !isTypeDefinition(def)) continue;
      const typeName = def.name.value;
      add(typeName, def.directives);
      const fields = 'fields' in def ? (def.fields ?? []) : [];
      for (const field of fields) {
        add(`${typeName}.${field.name.value}`, field.directives);
        const args = 'arguments' in field ? (field.arguments ?? []) : [];
        for (const arg of args) add(`${typeName}.${field.name.value}(${arg.name.value}:)`, arg.directives);
      }
    }
    return new DirectiveIndex(byCoordinate);
  }

  /** Every rule at a coordinate (`User`, `User.email`, `Query.users(first:)`). */
  at(coordinate: string): readonly DirectiveUse[] {
    return this.byCoordinate.get(coordinate) ?? [];
  }

  /** The first use of spec directive `name` at a coordinate. */
  find(coordinate: string, name: string): DirectiveUse | undefined {
    return this.at(coordinate).find((d) => d.name === name);
  }

  /** Every coordinate that carries directive `name` (for start-up summaries and tests). */
  coordinatesWith(name: string): string[] {
    return [...this.byCoordinate].filter(([, uses]) => uses.some((u) => u.name === name)).map(([c]) => c);
  }
}

type LocalNames = ReadonlyMap<string, { name: string; spec: string }>;

/**
 * Local directive name → spec directive, from the schema's `@link`s: a spec's eponymous
 * directive is `@<as or spec name>`; imports may rename (`{ name: "@x", as: "@y" }`); anything
 * else of the spec is `@<prefix>__<name>`.
 */
function linkedDirectiveNames(definitions: readonly DefinitionNode[]): LocalNames {
  const names = new Map<string, { name: string; spec: string }>();
  for (const def of definitions) {
    if (def.kind !== Kind.SCHEMA_DEFINITION && def.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of def.directives ?? []) {
      if (link.name.value !== 'link') continue;
      const args = argsOf(link);
      const parsed = parseSpecUrl(args.url);
      if (!parsed || PLUMBING_SPECS.has(parsed.spec)) continue;
      const prefix = typeof args.as === 'string' ? args.as : parsed.name;
      names.set(prefix, { name: parsed.name, spec: parsed.spec });
      for (const imp of Array.isArray(args.import) ? args.import : []) {
        const [from, to] = typeof imp === 'string' ? [imp, imp] : importPair(imp);
        if (from?.startsWith('@') && to?.startsWith('@')) names.set(to.slice(1), { name: from.slice(1), spec: parsed.spec });
      }
      names.set(`${prefix}__*`, { name: '*', spec: parsed.spec });
    }
  }
  return names;
}

function toUse(directive: DirectiveNode, names: LocalNames): DirectiveUse[] {
  const local = directive.name.value;
  const direct = names.get(local);
  if (direct) return [{ name: direct.name, spec: direct.spec, args: argsOf(directive) }];
  const sep = local.indexOf('__');
  if (sep > 0 && names.has(`${local.slice(0, sep)}__*`)) {
    const spec = names.get(`${local.slice(0, sep)}__*`)?.spec ?? '';
    return [{ name: local.slice(sep + 2), spec, args: argsOf(directive) }];
  }
  return [];
}

function argsOf(directive: DirectiveNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const arg of directive.arguments ?? []) out[arg.name.value] = valueFromASTUntyped(arg.value);
  return out;
}

function parseSpecUrl(url: unknown): { spec: string; name: string } | undefined {
  if (typeof url !== 'string') return undefined;
  const match = /^(.*\/([^/]+))\/v\d+\.\d+\/?$/.exec(url);
  return match?.[1] && match[2] ? { spec: match[1], name: match[2] } : undefined;
}

function importPair(imp: unknown): [string | undefined, string | undefined] {
  const o = imp as { name?: unknown; as?: unknown } | null;
  const name = typeof o?.name === 'string' ? o.name : undefined;
  return [name, typeof o?.as === 'string' ? o.as : name];
}

function isTypeDefinition(def: DefinitionNode): boolean {
  return (
    def.kind === Kind.OBJECT_TYPE_DEFINITION ||
    def.kind === Kind.INTERFACE_TYPE_DEFINITION ||
    def.kind === Kind.UNION_TYPE_DEFINITION ||
    def.kind === Kind.ENUM_TYPE_DEFINITION ||
    def.kind === Kind.SCALAR_TYPE_DEFINITION ||
    def.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION ||
    def.kind === Kind.OBJECT_TYPE_EXTENSION ||
    def.kind === Kind.INTERFACE_TYPE_EXTENSION
  );
}
