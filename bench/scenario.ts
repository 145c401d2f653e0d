/**
 * What every scenario module gets and gives back. A scenario is one module in bench/ exporting
 * `async (ctx: BenchContext) => ScenarioResult`, plus one line in bench/run.ts calling it: it starts
 * the processes it needs through `ctx.spawn*` (stopped by run.ts even when the scenario throws),
 * and returns table rows and summary lines (ratios) for the one printed report.
 */
import type { BadAnswers } from './answers';
import type { BenchEntries, Child } from './processes';
import type { Caller } from './tokens';

export interface BenchKnobs {
  /** BENCH_ROUNDS: measured rounds per target (5). */
  rounds: number;
  /** BENCH_DURATION_S: seconds per round (6). */
  durationS: number;
  /** BENCH_WARMUP_S: unmeasured seconds per target before the rounds (5). */
  warmupS: number;
  /** BENCH_CONNECTIONS: concurrent connections of the load generator (16). */
  connections: number;
  /** BENCH_LATENCY_SAMPLES: sequential samples in scenario 1 (60). */
  latencySamples: number;
}

export function knobsFromEnv(env: NodeJS.ProcessEnv = process.env): BenchKnobs {
  return {
    rounds: Number(env.BENCH_ROUNDS ?? 5),
    durationS: Number(env.BENCH_DURATION_S ?? 6),
    warmupS: Number(env.BENCH_WARMUP_S ?? 5),
    connections: Number(env.BENCH_CONNECTIONS ?? 16),
    latencySamples: Number(env.BENCH_LATENCY_SAMPLES ?? 60),
  };
}

export interface BenchContext {
  knobs: BenchKnobs;
  /** Compiled entries of every measured process (bench/processes.ts buildBench). */
  entries: BenchEntries;
  /** One token per user (bench/tokens.ts). */
  callers: readonly Caller[];
  /** Registers a started process so run.ts stops it whatever happens. */
  track: (children: readonly Child[]) => void;
  /** Stops processes a scenario no longer needs (and forgets them). */
  release: (children: readonly Child[]) => Promise<void>;
}

export interface Row {
  scenario: string;
  target: string;
  rps?: number;
  p50: number;
  p99: number;
  rssMb?: number;
  /** The target process's CPU time per request (median over rounds). */
  cpuMsPerRequest?: number;
  /** Answers checked over all measured rounds, and the bad ones by kind. */
  answers?: number;
  bad?: BadAnswers;
  /** Worst round's share of bad answers, in %. */
  worstRoundBadPct?: number;
  /** False when a round had more than the allowed share of bad answers: its figures do not count. */
  valid?: boolean;
  note?: string;
}

export interface ScenarioResult {
  rows: Row[];
  /** Printed under the table (e.g. `frontdoor/apollo-gateway throughput ratio: 2.03`). */
  lines: string[];
  /** Printed above the table: what ran, under which conditions. */
  conditions: string[];
}
