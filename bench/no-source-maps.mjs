// Loaded after tsx (`--import tsx --import ./bench/no-source-maps.mjs`): tsx turns source maps on,
// which makes every `error.stack` read map positions back to TypeScript. Production runs compiled
// JavaScript without them (deploy/Dockerfile), so benchmark processes run without them too: the same
// for every gateway and subgraph.
process.setSourceMapsEnabled(false);
