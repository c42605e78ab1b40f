import { MemoryKeyStore } from '@keyward/core';
import { describeKeyStoreBehaviour } from '../test/key-store-suite.js';

// The suite run against core's reference store first: a check of the suite itself, so that
// what the PostgreSQL runs assert is the memory store's behaviour, not an accident of SQL.
describeKeyStoreBehaviour('MemoryKeyStore (the reference the suite is checked against)', async ({ now }) => ({
  store: new MemoryKeyStore({ now }),
  close: async () => {},
}));
