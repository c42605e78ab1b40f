import { describeBuiltTypes } from './built-types.js';

describeBuiltTypes('@keyward/express', new URL('./', import.meta.url));
