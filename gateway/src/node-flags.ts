/**
 * V8 flags the gateway process is started with, everywhere it is started: deploy/Dockerfile's CMD,
 * `npm run gateway`, `npm start` (scripts/dev.ts) and the benchmark. A unit test keeps the first two
 * equal to this list.
 *
 * --max-semi-space-size=32: each request allocates many short-lived objects (parsed subgraph JSON,
 * merged results, headers). With V8's default 16 MB semi-space, scavenges were 7.5% of gateway CPU
 * under load; 32 MB gave ~10% more throughput in bench/probe.ts for ~48 MB more RSS.
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];
