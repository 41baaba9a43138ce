// ESM + TypeScript: ts-jest transpiles each file on its own (type checking is `npm run typecheck`).
// The fault suite (test/faults: private PostgreSQL, kill -9, SIGTERM) runs with `npm run test:faults`.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }] },
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/test/faults/'],
  testTimeout: 30000,
};
