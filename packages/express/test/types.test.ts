import { describeBuiltTypes } from '@keyward/test-kit/built-types';

describeBuiltTypes('@keyward/express', new URL('./', import.meta.url));
