import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../composition/config-file';
import { formatCompositionError } from '../composition/format';
import { SubgraphLoadError } from '../composition/load-subgraphs';
import { readWorkflowConfig } from '../composition/pipeline';
import type { Env } from '../composition/supergraph-config';
import { diffApiSchemas } from './api-schema-diff';
import { composeProposal, type Proposal } from './proposal';
import { classifyByUsage, renderCheckReport, type UsageData } from './usage-report';
import { redisConfigFromEnv } from '../../gateway/src/store/redis-config';
import { readUsageFromFile, readUsageFromRedis } from './usage-source';

export interface SchemaCheckOptions {
  cwd: string;
  env: Env;
  subgraph: string;
  /** Absolute path of the proposed SDL. */
  schemaFile: string;
  /** The supergraph to compare with; default: rover.config.yaml's output file. */
  currentSupergraph?: string;
  /** Where recorded usage comes from: 'auto' = Redis if set (REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS), else USAGE_FILE if set, else none. */
  usage: 'auto' | 'none' | { file: string };
  allowBreaking: boolean;
  allowUnusedBreaking: boolean;
}

export interface SchemaCheckResult {
  ok: boolean;
  lines: string[];
  /** Present when composition succeeded. */
  proposal?: Proposal & { supergraphSdl: string };
  outputPath?: string;
}

/** `npm run check`'s whole decision, reusable by `npm run publish`. Expected failures become report lines. */
export async function runSchemaCheck(opts: SchemaCheckOptions): Promise<SchemaCheckResult> {
  try {
    return await check(opts);
  } catch (err) {
    if (err instanceof ConfigError) return { ok: false, lines: err.issues.map((i) => `error: ${i}`) };
    if (err instanceof SubgraphLoadError) return { ok: false, lines: err.failures.map((f) => `error: subgraph ${f.subgraph}: ${f.message}`) };
    throw err;
  }
}

async function check(opts: SchemaCheckOptions): Promise<SchemaCheckResult> {
  const workflow = await readWorkflowConfig(path.join(opts.cwd, 'rover.config.yaml'), { required: false, displayRoot: opts.cwd });
  const proposal = await composeProposal({
    supergraphConfigPath: workflow.supergraphConfig,
    subgraphName: opts.subgraph,
    proposedSchemaPath: opts.schemaFile,
    env: opts.env,
    displayRoot: opts.cwd,
  });
  if (!proposal.outcome.ok) {
    const lines = proposal.outcome.errors.map(formatCompositionError);
    lines.push(`composition failed: ${proposal.outcome.errors.length} error(s) — fix the schema of ${opts.subgraph}`);
    return { ok: false, lines };
  }
  const current = opts.currentSupergraph ?? (await readFile(workflow.output, 'utf8'));
  const changes = diffApiSchemas(current, proposal.outcome.supergraphSdl);
  const usage = await loadUsage(opts);
  const classified = classifyByUsage(changes, usage);
  const report = renderCheckReport(classified, { allowBreaking: opts.allowBreaking });
  const breaking = classified.filter((c) => c.severity === 'breaking');
  const allUnused = usage !== null && breaking.every((c) => c.usage !== null && c.usage.count === 0);
  const ok = report.ok || (opts.allowUnusedBreaking && allUnused);
  const lines = [`composition of ${opts.subgraph} with the other subgraphs: ok`, ...report.lines];
  lines.push(ok ? 'check passed' : 'check FAILED: breaking changes (use --allow-breaking, or --allow-unused-breaking with usage data)');
  return { ok, lines, proposal: { ...proposal, supergraphSdl: proposal.outcome.supergraphSdl }, outputPath: workflow.output };
}

async function loadUsage(opts: SchemaCheckOptions): Promise<UsageData | null> {
  if (opts.usage === 'none') return null;
  if (typeof opts.usage === 'object') return readUsageFromFile(opts.usage.file);
  const redis = redisConfigFromEnv(opts.env);
  if (redis) return readUsageFromRedis(redis);
  if (opts.env.USAGE_FILE) return readUsageFromFile(path.resolve(opts.cwd, opts.env.USAGE_FILE));
  return null;
}
