import { MemoryKeyStore } from '@keyward/core';
import { describeKeyStoreSuite } from '@keyward/test-kit/key-store-suite';

// The suite run against core's reference store first: a check of the suite itself, so that
// what the PostgreSQL runs assert is the memory store's behaviour, not an accident of SQL.
describeKeyStoreSuite({
  name: 'MemoryKeyStore (the reference the suite is checked against)',
  create: async ({ now }) => ({ store: new MemoryKeyStore({ now }), close: async () => {} }),
});
