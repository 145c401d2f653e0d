// `npm run publish -- <subgraph> <schema-file>`: rover's `subgraph publish`, for our setup. Runs
// the same check as `npm run check`; when it passes, the proposed SDL becomes the subgraph's schema
// file, the supergraph file is rewritten (a gateway watching it hot-reloads), and — with Redis
// configured as for the gateways (REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS) —
// the supergraph is stored in Redis and announced, so every instance with SUPERGRAPH_SOURCE=redis
// switches at once.
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { renderSupergraphFile } from './composition/compose';
import { redisConfigFromEnv } from '../gateway/src/store/redis-config';
import { publishToRedis, writeFileAtomically } from './schema/publish-supergraph';
import { runSchemaCheck } from './schema/run-check';

const USAGE = `Usage: npm run publish -- <subgraph> <schema-file> [options]

Options:
  --allow-breaking           publish even with breaking changes
  --allow-unused-breaking    publish when every breaking change touches fields no recorded operation used
  --no-redis                 do not publish to Redis even when Redis is configured

Exit codes: 0 published, 1 the check failed (nothing was written), 2 bad usage.`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'allow-breaking': { type: 'boolean', default: false },
      'allow-unused-breaking': { type: 'boolean', default: false },
      'no-redis': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || positionals.length !== 2) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const [subgraph, schemaFile] = positionals as [string, string];
  const cwd = process.cwd();
  const result = await runSchemaCheck({
    cwd,
    env: process.env,
    subgraph,
    schemaFile: path.resolve(schemaFile),
    usage: 'auto',
    allowBreaking: values['allow-breaking'],
    allowUnusedBreaking: values['allow-unused-breaking'],
  });
  for (const line of result.lines) console.log(line);
  if (!result.ok || !result.proposal || !result.outputPath) {
    console.log('nothing published');
    return 1;
  }
  const source = result.proposal.subgraph.schema;
  if (source.kind === 'file' && path.resolve(schemaFile) !== source.path) {
    await copyFile(path.resolve(schemaFile), source.path);
    console.log(`${subgraph}: schema written to ${path.relative(cwd, source.path)}`);
  } else if (source.kind !== 'file') {
    console.log(`${subgraph}: schema is introspected (${source.kind}); only the supergraph is published`);
  }
  const content = renderSupergraphFile(result.proposal.supergraphSdl);
  await writeFileAtomically(result.outputPath, content);
  console.log(`supergraph written to ${path.relative(cwd, result.outputPath)}`);
  const redis = redisConfigFromEnv(process.env);
  if (redis && !values['no-redis']) {
    const listeners = await publishToRedis(redis, content);
    console.log(`supergraph published to Redis; ${listeners} gateway instance(s) notified`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`error: ${(err as Error).message}`);
    process.exitCode = 1;
  },
);
