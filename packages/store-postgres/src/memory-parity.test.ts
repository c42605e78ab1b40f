import { MemoryKeyStore, MemorySessionStore, MemoryWebhookStore } from '@keyward/core';
import { describeKeyStoreSuite } from '@keyward/test-kit/key-store-suite';
import { describeSessionStoreSuite } from '@keyward/test-kit/session-store-suite';
import { describeWebhookStoreSuite } from '@keyward/test-kit/webhook-store-suite';

// The suites run against core's reference stores first: a check of the suites themselves, so
// that what the PostgreSQL runs assert is the memory stores' behaviour, not an accident of SQL.
describeKeyStoreSuite({
  name: 'MemoryKeyStore (the reference the suite is checked against)',
  create: async ({ now }) => ({ store: new MemoryKeyStore({ now }), close: async () => {} }),
});

describeSessionStoreSuite({
  name: 'MemorySessionStore (the reference the suite is checked against)',
  create: async ({ now }) => ({ store: new MemorySessionStore({ now }), close: async () => {} }),
});

describeWebhookStoreSuite({
  name: 'MemoryWebhookStore (the reference the suite is checked against)',
  create: async ({ now }) => ({ store: new MemoryWebhookStore({ now }), close: async () => {} }),
});
