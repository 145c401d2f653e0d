// Two kinds of suite: `unit` (pure modules, no I/O) and `integration`/`contract`
// (real gateway, real subgraphs, real Redis on ephemeral ports). Type checking is
// done once by `npm run typecheck`; here ts-jest only transpiles, which keeps runs fast.
/** @type {import('jest').Config} */
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };

module.exports = {
  // A global option (jest ignores it inside projects): integration tests start real servers.
  testTimeout: 30000,
  // On a 2-core machine jest runs the suites in its own process, one after another (in band), so one handle a suite
  // leaks (a socket, a timer) keeps `npm test` from exiting and CI waits for its 90-minute limit.
  // That happened once in four full runs on 2026-12-01 and did not reproduce under
  // --detectOpenHandles; until it is found, exit when the run is done. Every suite's servers and
  // child processes are stopped in its own afterAll, and globalTeardown still runs first.
  forceExit: true,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/setup/redis-global-setup.js',
      globalTeardown: '<rootDir>/test/setup/redis-global-teardown.js',
    },
    {
      displayName: 'contract',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/contract/**/*.test.ts'],
    },
  ],
};
