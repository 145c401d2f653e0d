// supergraph.yaml in Rover's format: parse, expand `${env.NAME}`, validate, resolve paths.
// Pure: the caller passes the file's text, its directory and the environment, so tests never
// touch process.env or the file system.
import path from 'node:path';
import { ConfigError, isPlainObject, parseYaml, type YamlSource } from './config-file';
import { parseFederationVersion, type FederationVersion } from './federation-version';

export type Env = Readonly<Record<string, string | undefined>>;

export type SubgraphSchemaSource =
  /** An SDL file; `path` is absolute (resolved against the supergraph.yaml's directory). */
  | { kind: 'file'; path: string }
  /** A running subgraph, introspected with `{ _service { sdl } }`. */
  | { kind: 'introspect'; url: string; headers: Readonly<Record<string, string>> }
  /** SDL written inline in supergraph.yaml (`schema.sdl`). */
  | { kind: 'sdl'; sdl: string };

export interface SubgraphConfig {
  name: string;
  /** Where the gateway sends this subgraph's fetches; defaults to `schema.subgraph_url`. */
  routingUrl: string;
  schema: SubgraphSchemaSource;
}

export interface SupergraphConfig {
  federationVersion: FederationVersion;
  /** In file order, which is also the order handed to composition. */
  subgraphs: SubgraphConfig[];
}

/** Every problem found in one supergraph.yaml (see ConfigError). */
export class SupergraphConfigError extends ConfigError {}

export interface ParseSupergraphConfigOptions {
  env: Env;
  /** Directory that relative `schema.file` paths resolve against (the yaml's own directory). */
  baseDir: string;
  /** Shown in error messages. @default 'supergraph.yaml' */
  sourceName?: string;
}

const ENV_REFERENCE = /\$\{env\.([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const TOP_LEVEL_KEYS = ['federation_version', 'subgraphs'];
const SUBGRAPH_KEYS = ['routing_url', 'schema'];
const SCHEMA_KEYS = ['file', 'subgraph_url', 'introspection_headers', 'sdl', 'graphref', 'subgraph'];

/**
 * Expands `${env.NAME}` and `${env.NAME:-default}` in one string, like Rover.
 * As in a shell, `:-` also applies when the variable is set but empty.
 * Unset variables without a default are pushed onto `missing` and expand to ''.
 */
export function expandEnv(value: string, env: Env, missing: string[] = []): string {
  return value.replace(ENV_REFERENCE, (_match, name: string, fallback: string | undefined) => {
    const current = env[name];
    if (fallback !== undefined) return current === undefined || current === '' ? fallback : current;
    if (current === undefined) {
      missing.push(name);
      return '';
    }
    return current;
  });
}

export function parseSupergraphConfig(text: string, opts: ParseSupergraphConfigOptions): SupergraphConfig {
  const sourceName = opts.sourceName ?? 'supergraph.yaml';
  const parsed = parseYaml(text, sourceName);
  if (!parsed.ok) throw new SupergraphConfigError(parsed.issues);

  // Expansion runs on parsed keys and values, not on the raw text, so a variable's value can never
  // change the YAML structure and a `${env.X}` inside a comment is ignored.
  const missing: string[] = [];
  const root = expandDeep(parsed.value, opts.env, missing);
  const issues: string[] = [...new Set(missing)].map(
    (name) => `${sourceName}: environment variable ${name} is not set (referenced as \${env.${name}}; use \${env.${name}:-default} for a fallback)`,
  );
  const at = (keyPath: string, message: string) => issues.push(`${sourceName}: ${keyPath}: ${message}`);

  if (!isPlainObject(root)) {
    throw new SupergraphConfigError([...issues, `${sourceName}: expected a mapping with federation_version and subgraphs`]);
  }
  rejectUnknownKeys(root, TOP_LEVEL_KEYS, '', at);

  const federationVersion = parseFederationVersion(root.federation_version);
  if (typeof federationVersion === 'string') at('federation_version', federationVersion);

  const subgraphs: SubgraphConfig[] = [];
  const rawSubgraphs = root.subgraphs;
  if (!isPlainObject(rawSubgraphs) || Object.keys(rawSubgraphs).length === 0) {
    at('subgraphs', 'must map at least one subgraph name to { routing_url, schema }');
  } else {
    for (const [name, raw] of Object.entries(rawSubgraphs)) {
      const subgraph = parseSubgraph(name, raw, opts.baseDir, at);
      if (subgraph) subgraphs.push(subgraph);
    }
  }

  if (issues.length > 0 || typeof federationVersion === 'string') throw new SupergraphConfigError(issues);
  return { federationVersion, subgraphs };
}

function parseSubgraph(
  name: string,
  raw: unknown,
  baseDir: string,
  at: (keyPath: string, message: string) => void,
): SubgraphConfig | undefined {
  const key = `subgraphs.${name}`;
  if (!isPlainObject(raw)) {
    at(key, 'must be a mapping with routing_url and schema');
    return undefined;
  }
  rejectUnknownKeys(raw, SUBGRAPH_KEYS, key, at);
  const schema = parseSchemaSource(raw.schema, baseDir, `${key}.schema`, at);

  let routingUrl: string | undefined;
  if (raw.routing_url === undefined || raw.routing_url === null) {
    if (schema?.kind === 'introspect') routingUrl = schema.url;
    else at(`${key}.routing_url`, 'is required (it may be omitted only when schema.subgraph_url is set)');
  } else {
    routingUrl = parseHttpUrl(raw.routing_url, `${key}.routing_url`, at);
  }

  if (!schema || routingUrl === undefined) return undefined;
  return { name, routingUrl, schema };
}

function parseSchemaSource(
  raw: unknown,
  baseDir: string,
  key: string,
  at: (keyPath: string, message: string) => void,
): SubgraphSchemaSource | undefined {
  if (!isPlainObject(raw)) {
    at(key, 'must be a mapping with one of file, subgraph_url or sdl');
    return undefined;
  }
  rejectUnknownKeys(raw, SCHEMA_KEYS, key, at);
  if (raw.graphref !== undefined || raw.subgraph !== undefined) {
    at(`${key}.graphref`, 'fetching from GraphOS is not supported here: use file or subgraph_url');
    return undefined;
  }
  const present = ['file', 'subgraph_url', 'sdl'].filter((k) => raw[k] !== undefined);
  if (present.length !== 1) {
    at(key, present.length === 0 ? 'needs one of file, subgraph_url or sdl' : `has ${present.join(' and ')}: choose one`);
    return undefined;
  }
  if (raw.introspection_headers !== undefined && raw.subgraph_url === undefined) {
    at(`${key}.introspection_headers`, 'applies only with subgraph_url');
  }

  if (raw.file !== undefined) {
    if (typeof raw.file !== 'string' || raw.file.trim() === '') {
      at(`${key}.file`, 'must be a path to an SDL file');
      return undefined;
    }
    return { kind: 'file', path: path.resolve(baseDir, raw.file) };
  }
  if (raw.sdl !== undefined) {
    if (typeof raw.sdl !== 'string') {
      at(`${key}.sdl`, 'must be a string of SDL');
      return undefined;
    }
    return { kind: 'sdl', sdl: raw.sdl };
  }
  const url = parseHttpUrl(raw.subgraph_url, `${key}.subgraph_url`, at);
  const headers = parseHeaders(raw.introspection_headers, `${key}.introspection_headers`, at);
  if (url === undefined || headers === undefined) return undefined;
  return { kind: 'introspect', url, headers };
}

function parseHttpUrl(raw: unknown, key: string, at: (keyPath: string, message: string) => void): string | undefined {
  if (typeof raw !== 'string' || raw.trim() === '') {
    at(key, 'must be an http(s) URL');
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    at(key, `"${raw}" is not a valid URL`);
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    at(key, `"${raw}" must use http or https`);
    return undefined;
  }
  // Kept as written (not url.href) so the supergraph shows exactly what the team configured.
  return raw;
}

function parseHeaders(
  raw: unknown,
  key: string,
  at: (keyPath: string, message: string) => void,
): Record<string, string> | undefined {
  if (raw === undefined || raw === null) return {};
  if (!isPlainObject(raw)) {
    at(key, 'must map header names to values');
    return undefined;
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      at(`${key}.${name}`, 'must be a string');
      return undefined;
    }
    headers[name] = String(value);
  }
  return headers;
}

function rejectUnknownKeys(
  obj: Record<string, unknown>,
  known: readonly string[],
  prefix: string,
  at: (keyPath: string, message: string) => void,
): void {
  for (const k of Object.keys(obj)) {
    if (!known.includes(k)) at(prefix ? `${prefix}.${k}` : k, `unknown key (expected one of: ${known.join(', ')})`);
  }
}

function expandDeep(value: YamlSource, env: Env, missing: string[]): unknown {
  if (typeof value === 'string') return expandEnv(value, env, missing);
  if (Array.isArray(value)) return value.map((v) => expandDeep(v, env, missing));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[expandEnv(k, env, missing)] = expandDeep(v as YamlSource, env, missing);
    return out;
  }
  return value;
}
