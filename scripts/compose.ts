// `npm run compose`: our stand-in for `rover supergraph compose` (the rover binary cannot be
// downloaded here). Thin CLI over scripts/composition/; the only place that reads process.env,
// prints, or sets the exit code. Expected failures print one line each and never a stack trace.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { renderSupergraphFile } from './composition/compose';
import { ConfigError } from './composition/config-file';
import {
  formatCompositionError,
  formatFailureSummary,
  formatHint,
  formatSuccessSummary,
  shortDiff,
} from './composition/format';
import { displayPath, SubgraphLoadError } from './composition/load-subgraphs';
import { composeFromSupergraphConfig, readWorkflowConfig } from './composition/pipeline';

const USAGE = `Usage: npm run compose -- [options]

Composes the subgraphs listed in supergraph.yaml (Rover's format) into supergraph.graphql.

Options:
  --config <path>             our workflow settings (default: ./rover.config.yaml)
  --supergraph-config <path>  Rover-format subgraph list (default: rover.config.yaml's supergraph_config)
  --output <path>             where to write the supergraph (default: rover.config.yaml's output)
  --check                     compose and compare with the output file; exit 1 when it is stale
  --stdout                    print the supergraph instead of writing it
  -h, --help                  show this help

Exit codes: 0 success, 1 composition/config/load failure or stale output, 2 bad usage.`;

type Exit = 0 | 1 | 2;

async function main(argv: string[]): Promise<Exit> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        config: { type: 'string' },
        'supergraph-config': { type: 'string' },
        output: { type: 'string' },
        check: { type: 'boolean', default: false },
        stdout: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (args.check && args.stdout) {
    console.error(`error: --check and --stdout cannot be combined\n\n${USAGE}`);
    return 2;
  }

  const cwd = process.cwd();
  const workflow = await readWorkflowConfig(path.resolve(cwd, args.config ?? 'rover.config.yaml'), {
    required: args.config !== undefined,
    displayRoot: cwd,
  });
  const supergraphConfigPath = args['supergraph-config'] ? path.resolve(cwd, args['supergraph-config']) : workflow.supergraphConfig;
  const outputPath = args.output ? path.resolve(cwd, args.output) : workflow.output;
  const outputName = displayPath(outputPath, cwd);

  const { subgraphs, outcome } = await composeFromSupergraphConfig(supergraphConfigPath, {
    env: process.env,
    introspectionTimeoutMs: workflow.introspectionTimeoutMs,
    displayRoot: cwd,
  });

  for (const hint of outcome.hints) console.error(formatHint(hint));
  if (!outcome.ok) {
    for (const error of outcome.errors) console.error(formatCompositionError(error));
    console.error(formatFailureSummary(outcome.errors.length, outcome.hints.length));
    return 1;
  }
  if (workflow.failOnHints && outcome.hints.length > 0) {
    console.error(`${formatFailureSummary(0, outcome.hints.length)} (fail_on_hints is on)`);
    return 1;
  }

  const content = renderSupergraphFile(outcome.supergraphSdl);
  if (args.stdout) {
    process.stdout.write(content);
    return 0;
  }

  const onDisk = await readFile(outputPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (args.check) {
    if (onDisk === content) {
      console.error(`${outputName} is up to date (${subgraphs.length} subgraphs)`);
      return 0;
    }
    console.error(`${outputName} is stale: run npm run compose`);
    console.error(
      onDisk === undefined
        ? `(${outputName} does not exist)`
        : shortDiff(onDisk, content, { onDiskLabel: `${outputName} (on disk)`, composedLabel: `${outputName} (composed now)` }),
    );
    return 1;
  }

  if (onDisk !== content) {
    // Write-then-rename so a gateway watching the file never loads half a supergraph.
    await mkdir(path.dirname(outputPath), { recursive: true });
    const temp = `${outputPath}.${process.pid}.tmp`;
    await writeFile(temp, content, 'utf8');
    await rename(temp, outputPath);
  }
  console.error(formatSuccessSummary(subgraphs.length, outcome.hints.length, onDisk === content ? `${outputName} (unchanged)` : outputName));
  return 0;
}

function reportExpectedFailure(error: unknown): boolean {
  if (error instanceof ConfigError) {
    for (const issue of error.issues) console.error(`error: ${issue}`);
    return true;
  }
  if (error instanceof SubgraphLoadError) {
    for (const f of error.failures) console.error(`error: subgraph ${f.subgraph}: ${f.message}`);
    console.error(`composition failed: could not load ${error.failures.length} subgraph${error.failures.length === 1 ? '' : 's'}`);
    return true;
  }
  return false;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (!reportExpectedFailure(error)) {
      // A bug in this script or in composition itself: the stack is the useful part.
      console.error('error: unexpected failure while composing');
      console.error(error);
    }
    process.exitCode = 1;
  },
);
