import { describeApi } from './api-suite.js';
import { memoryStore, pgliteStore, postgresStore } from './helpers.js';

describeApi('the memory store', memoryStore);
describeApi('PGlite (embedded)', pgliteStore);
describeApi('PostgreSQL', postgresStore);
