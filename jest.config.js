// Two kinds of suite: `unit` (pure modules, no I/O) and `integration`/`contract`
// (real gateway, real subgraphs, real Redis on ephemeral ports). Type checking is
// done once by `npm run typecheck`; here ts-jest only transpiles, which keeps runs fast.
/** @type {import('jest').Config} */
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };

module.exports = {
  // Jest reads testTimeout from the root config only (the per-project value below is ignored), so
  // without this every integration test and hook silently had 5 s: too little for the ones that
  // spawn `tsx` processes or start several gateways on a busy machine.
  testTimeout: 30000,
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
      testTimeout: 30000,
    },
    {
      displayName: 'contract',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/contract/**/*.test.ts'],
      testTimeout: 30000,
    },
  ],
};
