// The fault suite: processes killed and restarted, a private PostgreSQL stopped and started, slow
// and broken FHIR servers. Run serially (`npm run test:faults`); `.ci/run` runs it after `npm test`.
import base from './jest.config.js';

export default {
  ...base,
  testMatch: ['<rootDir>/test/faults/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 120000,
};
