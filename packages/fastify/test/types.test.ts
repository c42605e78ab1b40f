import { describeBuiltTypes } from '../../express/test/built-types.js';

describeBuiltTypes('@keyward/fastify', new URL('./', import.meta.url));
