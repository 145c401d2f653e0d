// `npm run check -- <subgraph> <schema-file>`: rover's `subgraph check`, offline. Composes the
// proposed schema with the other subgraphs, then compares the client-facing API schema with the
// current supergraph and, when the gateways recorded usage, says which changes hit real traffic.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runSchemaCheck } from './schema/run-check';

const USAGE = `Usage: npm run check -- <subgraph> <schema-file> [options]

Options:
  --supergraph <path>        the current supergraph to compare with (default: rover.config.yaml's output)
  --usage-file <path>        usage recorded by a gateway with USAGE_FILE
  --no-usage                 ignore recorded usage (by default read from REDIS_URL when it is set)
  --allow-breaking           report breaking changes but exit 0
  --allow-unused-breaking    exit 0 when every breaking change touches fields no recorded operation used

Exit codes: 0 passes, 1 composition errors or breaking changes, 2 bad usage.`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      supergraph: { type: 'string' },
      'usage-file': { type: 'string' },
      'no-usage': { type: 'boolean', default: false },
      'allow-breaking': { type: 'boolean', default: false },
      'allow-unused-breaking': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || positionals.length !== 2) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const [subgraph, schemaFile] = positionals as [string, string];
  const result = await runSchemaCheck({
    cwd: process.cwd(),
    env: process.env,
    subgraph,
    schemaFile: path.resolve(schemaFile),
    ...(values.supergraph ? { currentSupergraph: await readFile(path.resolve(values.supergraph), 'utf8') } : {}),
    usage: values['no-usage'] ? 'none' : values['usage-file'] ? { file: path.resolve(values['usage-file']) } : 'auto',
    allowBreaking: values['allow-breaking'],
    allowUnusedBreaking: values['allow-unused-breaking'],
  });
  for (const line of result.lines) console.log(line);
  return result.ok ? 0 : 1;
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
