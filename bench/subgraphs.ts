/**
 * The five subgraphs in ONE process, each on its own port (BENCH_PORTS: JSON name → port), for
 * benchmarks on a small machine: five processes on two cores spend much of their CPU waking up
 * and switching, which every gateway's numbers then carry. The subgraph code, HTTP and data are
 * exactly what `subgraphs/<name>/main.ts` serves. Env: BENCH_PORTS, BENCH_LATENCIES_MS (JSON name →
 * ms), SEED_USERS, SUBGRAPH_IDENTITY_SECRET. Stops on SIGTERM/SIGINT.
 */
import { createSubgraph, SUBGRAPH_NAMES } from '../subgraphs/registry';
import { startSubgraph } from '../subgraphs/shared/server';

async function main(): Promise<void> {
  const ports = JSON.parse(process.env.BENCH_PORTS ?? '{}') as Record<string, number>;
  const latencies = JSON.parse(process.env.BENCH_LATENCIES_MS ?? '{}') as Record<string, number>;
  const handles = await Promise.all(
    SUBGRAPH_NAMES.map((name) =>
      startSubgraph(createSubgraph(name, { seedUsers: Number(process.env.SEED_USERS ?? 1000) }), {
        port: ports[name] ?? 0,
        host: '127.0.0.1',
        latencyMs: latencies[name] ?? 0,
        logLevel: 'silent',
        ...(process.env.SUBGRAPH_IDENTITY_SECRET ? { identitySecret: process.env.SUBGRAPH_IDENTITY_SECRET } : {}),
      }),
    ),
  );
  const stop = (): void => {
    void Promise.all(handles.map((h) => h.stop())).then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main();
