import { defineConfig } from 'vitest/config';

// One run over every package and app, each its own project (named after its package.json),
// so `vitest run --project @keyward/core` narrows it. CI sets VITEST_JSON_REPORT to a file
// name and reads the counts from that report for its closing `N passed, N failed` line.
const jsonReport = process.env.VITEST_JSON_REPORT;

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
    ...(jsonReport ? { reporters: ['default', 'json'], outputFile: { json: jsonReport } } : {}),
  },
});
