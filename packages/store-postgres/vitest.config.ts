import { defineProject } from 'vitest/config';

// PGlite's first start runs initdb in WebAssembly (seconds on a busy 2-core machine), and the
// server tests create databases: generous timeouts, never timing assertions.
export default defineProject({
  test: {
    name: '@keyward/store-postgres',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
