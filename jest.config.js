// Three suites: fast pure unit tests, integration tests on the real models/database/capture,
// and end-to-end tests against the built server started as a real process.
const base = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', isolatedModules: true }] },
};
// The OpenCV binding works in one thread per process only (see NOTES in the README), so test
// files that load it each need a fresh process: a tiny idle-memory limit recycles the jest
// worker after every file.
module.exports = {
  workerIdleMemoryLimit: '1MB',
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.spec.ts'] },
    { ...base, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.spec.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.spec.ts'] },
  ],
};
