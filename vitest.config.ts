import { defineConfig } from 'vitest/config';

// One run over every package and app, each its own project (named after its package.json),
// so `vitest run --project @keyward/core` narrows it and CI reads one JSON report.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
  },
});
