import { defineConfig } from 'tsup';

// The library entry ships ESM, CJS and types like every package; the executable is ESM only.
export default defineConfig([
  { entry: ['src/index.ts'], format: ['esm', 'cjs'], dts: true, clean: true, sourcemap: true, target: 'node20' },
  { entry: ['src/bin.ts'], format: ['esm'], sourcemap: true, target: 'node20' },
]);
