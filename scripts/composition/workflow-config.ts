// rover.config.yaml: OUR workflow settings for `npm run compose` (Rover never reads this file).
// Pure: the caller passes the text and the file's directory.
import path from 'node:path';
import { ConfigError, isPlainObject, parseYaml } from './config-file';

export interface WorkflowConfig {
  /** Absolute path of the Rover-format supergraph.yaml. @default '<dir>/supergraph.yaml' */
  supergraphConfig: string;
  /** Absolute path of the composed supergraph SDL. @default '<dir>/supergraph.graphql' */
  output: string;
  /** Treat composition hints as failures (exit 1, nothing written). @default false */
  failOnHints: boolean;
  /** Per-subgraph budget for a `schema.subgraph_url` introspection request, in ms. @default 10000 */
  introspectionTimeoutMs: number;
}

export class WorkflowConfigError extends ConfigError {}

const KEYS = ['supergraph_config', 'output', 'fail_on_hints', 'introspection_timeout_ms'] as const;

export const WORKFLOW_DEFAULTS = {
  supergraph_config: './supergraph.yaml',
  output: './supergraph.graphql',
  fail_on_hints: false,
  introspection_timeout_ms: 10_000,
} as const;

export function parseWorkflowConfig(text: string, opts: { baseDir: string; sourceName?: string }): WorkflowConfig {
  const sourceName = opts.sourceName ?? 'rover.config.yaml';
  const parsed = parseYaml(text, sourceName);
  if (!parsed.ok) throw new WorkflowConfigError(parsed.issues);
  // An empty file is a valid "all defaults".
  const root = parsed.value ?? {};
  if (!isPlainObject(root)) throw new WorkflowConfigError([`${sourceName}: expected a mapping of settings`]);

  const issues: string[] = [];
  const at = (key: string, message: string) => issues.push(`${sourceName}: ${key}: ${message}`);
  for (const key of Object.keys(root)) {
    if (!(KEYS as readonly string[]).includes(key)) at(key, `unknown key (expected one of: ${KEYS.join(', ')})`);
  }

  const filePath = (key: 'supergraph_config' | 'output'): string => {
    const raw = root[key] ?? WORKFLOW_DEFAULTS[key];
    if (typeof raw !== 'string' || raw.trim() === '') {
      at(key, 'must be a file path');
      return '';
    }
    return path.resolve(opts.baseDir, raw);
  };
  const supergraphConfig = filePath('supergraph_config');
  const output = filePath('output');

  const failOnHints = root.fail_on_hints ?? WORKFLOW_DEFAULTS.fail_on_hints;
  if (typeof failOnHints !== 'boolean') at('fail_on_hints', 'must be true or false');

  const timeout = root.introspection_timeout_ms ?? WORKFLOW_DEFAULTS.introspection_timeout_ms;
  if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout <= 0) {
    at('introspection_timeout_ms', 'must be a positive whole number of milliseconds');
  }

  if (issues.length > 0) throw new WorkflowConfigError(issues);
  return {
    supergraphConfig,
    output,
    failOnHints: failOnHints as boolean,
    introspectionTimeoutMs: timeout as number,
  };
}
