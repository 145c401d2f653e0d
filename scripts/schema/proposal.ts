import { readFile } from 'node:fs/promises';
import { composeSupergraph, type CompositionOutcome } from '../composition/compose';
import { ConfigError } from '../composition/config-file';
import { loadSubgraphs, type LoadedSubgraph } from '../composition/load-subgraphs';
import { readSupergraphConfig } from '../composition/pipeline';
import type { Env, SubgraphConfig } from '../composition/supergraph-config';

export interface Proposal {
  /** The subgraph being changed, as named in supergraph.yaml. */
  subgraph: SubgraphConfig;
  /** Every subgraph, with the proposed SDL in place of the changed one's. */
  subgraphs: LoadedSubgraph[];
  outcome: CompositionOutcome;
}

/**
 * Composes supergraph.yaml's subgraphs with `subgraphName`'s schema replaced by the proposed file,
 * the way `rover subgraph check` composes a proposal against the other published subgraphs.
 */
export async function composeProposal(opts: {
  supergraphConfigPath: string;
  subgraphName: string;
  proposedSchemaPath: string;
  env: Env;
  displayRoot?: string;
}): Promise<Proposal> {
  const config = await readSupergraphConfig(opts.supergraphConfigPath, opts.env, opts.displayRoot);
  const subgraph = config.subgraphs.find((s) => s.name === opts.subgraphName);
  if (!subgraph) {
    const known = config.subgraphs.map((s) => s.name).join(', ');
    throw new ConfigError([`unknown subgraph "${opts.subgraphName}" (supergraph.yaml has: ${known})`]);
  }
  let proposedSdl: string;
  try {
    proposedSdl = await readFile(opts.proposedSchemaPath, 'utf8');
  } catch (err) {
    throw new ConfigError([`cannot read ${opts.proposedSchemaPath}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`]);
  }
  const others = config.subgraphs.filter((s) => s.name !== opts.subgraphName);
  const loadedOthers = await loadSubgraphs(others, opts.displayRoot === undefined ? {} : { displayRoot: opts.displayRoot });
  const proposed: LoadedSubgraph = {
    name: subgraph.name,
    routingUrl: subgraph.routingUrl,
    sdl: proposedSdl,
    origin: opts.proposedSchemaPath,
  };
  // Keep supergraph.yaml's order: composition output (and so the supergraph's bytes) depends on it.
  const subgraphs = config.subgraphs.map((s) => (s.name === subgraph.name ? proposed : loadedOthers.find((l) => l.name === s.name)!));
  return { subgraph, subgraphs, outcome: composeSupergraph(subgraphs) };
}
