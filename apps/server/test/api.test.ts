import { describeApi } from './api-suite.js';
import { memoryStore, pgliteStore, postgresStore } from './helpers.js';
import { describePortalAndWebhooksApi } from './portal-webhooks-suite.js';

describeApi('the memory store', memoryStore);
describeApi('PGlite (embedded)', pgliteStore);
describeApi('PostgreSQL', postgresStore);
describePortalAndWebhooksApi('the memory stores', memoryStore);
describePortalAndWebhooksApi('PGlite (embedded)', pgliteStore);
describePortalAndWebhooksApi('PostgreSQL', postgresStore);
