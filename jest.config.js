/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': swc },
  // Tests run the TypeScript sources; end-to-end tests spawn the built services (npm test builds first).
  moduleNameMapper: {
    '^@ehr/common$': '<rootDir>/packages/common/src/index.ts',
    '^@ehr/gateway$': '<rootDir>/gateway/src/lib.ts',
    '^@ehr/subgraph-(patient|medication|notes|audit)$': '<rootDir>/subgraphs/$1/src/server.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testTimeout: 60_000,
  maxWorkers: 2,
  setupFiles: ['reflect-metadata'],
};
