/** @type {import('jest').Config} */
// ts-jest in transpile-only mode: type-checking is `npm run typecheck`'s job, so tests start fast.
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json', isolatedModules: true, diagnostics: false }];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': tsJest },
  // Tests run the TypeScript sources; end-to-end tests spawn the built services (npm test builds first).
  moduleNameMapper: {
    '^@ehr/common$': '<rootDir>/packages/common/src/index.ts',
    '^@ehr/policy$': '<rootDir>/packages/policy/src/index.ts',
    '^@ehr/gateway$': '<rootDir>/gateway/src/lib.ts',
    '^@ehr/subgraph-(patient|medication|notes|audit)$': '<rootDir>/subgraphs/$1/src/server.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testTimeout: 60_000,
  maxWorkers: 2,
  setupFiles: ['reflect-metadata'],
};
