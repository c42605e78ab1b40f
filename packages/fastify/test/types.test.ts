import { describeBuiltTypes } from '@keyward/test-kit/built-types';

describeBuiltTypes('@keyward/fastify', new URL('./', import.meta.url));
