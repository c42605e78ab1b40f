import { describe, expect, it } from 'vitest';
import { operatorChoseWasmTiering } from './wasm-compiler.js';

describe('operatorChoseWasmTiering', () => {
  it('keeps a WebAssembly tiering flag the operator gave node, in any of V8 spellings', () => {
    for (const flag of [
      '--liftoff-only',
      '--no-liftoff-only',
      '--noliftoff-only',
      '--liftoff_only',
      '--no-liftoff',
      '--wasm-tiering-budget=1000',
      '--wasm_tiering_budget=1000',
      '--no-wasm-dynamic-tiering',
      '--no-wasm-tier-up',
    ]) {
      expect(operatorChoseWasmTiering(['--enable-source-maps', flag]), flag).toBe(true);
    }
  });

  it('sets its own when none was given', () => {
    expect(operatorChoseWasmTiering([])).toBe(false);
    expect(operatorChoseWasmTiering(['--enable-source-maps', '--max-old-space-size=256'])).toBe(false);
  });
});
