import { describeBuiltTypes } from '../../express/test/built-types.js';

describeBuiltTypes('@keyward/koa', new URL('./', import.meta.url));
