// The file-level workflow shared by `npm run compose` and the later check/publish scripts:
// read config files, check the federation version, load subgraphs, compose.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from './config-file';
import { composeSupergraph, type CompositionOutcome } from './compose';
import { displayPath, loadSubgraphs, type LoadedSubgraph } from './load-subgraphs';
import { federationVersionMismatch, installedCompositionVersion } from './federation-version';
import {
  parseSupergraphConfig,
  SupergraphConfigError,
  type Env,
  type SupergraphConfig,
} from './supergraph-config';
import { parseWorkflowConfig, WorkflowConfigError, type WorkflowConfig } from './workflow-config';

export interface ComposeFromFileOptions {
  /** Source of `${env.NAME}` values; the CLI passes process.env, tests pass plain objects. */
  env: Env;
  /** @default 10000 (ms) */
  introspectionTimeoutMs?: number;
  /** Paths in messages are relative to this directory. @default process.cwd() */
  displayRoot?: string;
  /** Overrides the installed @apollo/composition version (tests). */
  compositionVersion?: string;
}

export interface ComposeRun {
  config: SupergraphConfig;
  subgraphs: LoadedSubgraph[];
  outcome: CompositionOutcome;
}

/**
 * supergraph.yaml path → composition outcome. Composition problems are in `outcome`; a bad or
 * missing config throws SupergraphConfigError, an unreadable subgraph throws SubgraphLoadError.
 */
export async function composeFromSupergraphConfig(configPath: string, opts: ComposeFromFileOptions): Promise<ComposeRun> {
  const displayRoot = opts.displayRoot ?? process.cwd();
  const config = await readSupergraphConfig(configPath, opts.env, displayRoot);
  const mismatch = federationVersionMismatch(config.federationVersion, opts.compositionVersion ?? installedCompositionVersion());
  if (mismatch) throw new SupergraphConfigError([`${displayPath(configPath, displayRoot)}: ${mismatch}`]);
  const subgraphs = await loadSubgraphs(config.subgraphs, {
    displayRoot,
    ...(opts.introspectionTimeoutMs !== undefined && { introspectionTimeoutMs: opts.introspectionTimeoutMs }),
  });
  return { config, subgraphs, outcome: composeSupergraph(subgraphs) };
}

export async function readSupergraphConfig(configPath: string, env: Env, displayRoot = process.cwd()): Promise<SupergraphConfig> {
  const sourceName = displayPath(configPath, displayRoot);
  const text = await readConfigText(configPath, sourceName);
  if (text === undefined) throw new SupergraphConfigError([`${sourceName}: file does not exist`]);
  return parseSupergraphConfig(text, { env, baseDir: path.dirname(configPath), sourceName });
}

/** Reads rover.config.yaml; a missing file means all defaults unless `required` (an explicit --config). */
export async function readWorkflowConfig(
  configPath: string,
  opts: { required: boolean; displayRoot?: string },
): Promise<WorkflowConfig> {
  const sourceName = displayPath(configPath, opts.displayRoot ?? process.cwd());
  const text = await readConfigText(configPath, sourceName);
  if (text === undefined && opts.required) throw new WorkflowConfigError([`${sourceName}: file does not exist`]);
  return parseWorkflowConfig(text ?? '', { baseDir: path.dirname(configPath), sourceName });
}

async function readConfigText(file: string, sourceName: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError([`${sourceName}: cannot read: ${(error as Error).message}`]);
  }
}
