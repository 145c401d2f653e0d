import path from 'node:path';
import { z } from 'zod';
import { bool, int } from '../env-values';

/** The repository root: the default supergraph path is resolved against it. */
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Where the supergraph comes from, merged into config.ts's one schema. docs/configuration.md documents each. */
export const SUPERGRAPH_ENV = {
  /** Supergraph SDL file (composed by `npm run compose`). Relative paths resolve against the working directory. @default <repo>/supergraph.graphql */
  SUPERGRAPH_PATH: z.string().min(1).default(path.join(REPO_ROOT, 'supergraph.graphql')),
  /** Swap the schema when the supergraph file changes (hot reload). @default true */
  SUPERGRAPH_WATCH: bool.default(true),
  /** `file`: SUPERGRAPH_PATH (one instance, or one file per instance); `redis`: the supergraph `npm run publish` put in Redis, switched on its notification (a fleet). @default file */
  SUPERGRAPH_SOURCE: z.enum(['file', 'redis']).default('file'),
  /** With SUPERGRAPH_SOURCE=redis: re-read the published supergraph this often even without a notification, in ms. @default 30000 */
  SUPERGRAPH_POLL_MS: int(100, 3_600_000).default(30_000),
};

const SupergraphEnvSchema = z.object(SUPERGRAPH_ENV);
type SupergraphEnv = z.output<typeof SupergraphEnvSchema>;

export interface SupergraphConfig {
  source: 'file' | 'redis';
  path: string;
  watch: boolean;
  pollMs: number;
}

/** `hasRedis`: the published supergraph needs a shared store to be published to. */
export function toSupergraphConfig(e: SupergraphEnv, hasRedis: boolean, problems: string[]): SupergraphConfig {
  if (e.SUPERGRAPH_SOURCE === 'redis' && !hasRedis) problems.push('SUPERGRAPH_SOURCE: redis needs REDIS_URL');
  return { source: e.SUPERGRAPH_SOURCE, path: path.resolve(e.SUPERGRAPH_PATH), watch: e.SUPERGRAPH_WATCH, pollMs: e.SUPERGRAPH_POLL_MS };
}
