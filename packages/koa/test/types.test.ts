import { describeBuiltTypes } from '@keyward/test-kit/built-types';

describeBuiltTypes('@keyward/koa', new URL('./', import.meta.url));
