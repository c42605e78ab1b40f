import { describe, expect, it, vi } from 'vitest';
import { isApiKeyFormat } from './api-key-format.js';
import { generateApiKey } from './generate-api-key.js';

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, randomBytes: vi.fn(actual.randomBytes) };
});

describe('generateApiKey', () => {
  it('returns 64 lowercase hex characters', () => {
    for (let i = 0; i < 100; i += 1) {
      const key = generateApiKey();
      expect(key).toMatch(/^[0-9a-f]{64}$/);
      expect(isApiKeyFormat(key)).toBe(true);
    }
  });

  it('draws 32 bytes from crypto.randomBytes and hex-encodes them', async () => {
    const crypto = await import('node:crypto');
    const randomBytes = vi.mocked(crypto.randomBytes);
    randomBytes.mockClear();
    randomBytes.mockImplementationOnce(((size: number) => Buffer.alloc(size, 0xab)) as typeof crypto.randomBytes);
    expect(generateApiKey()).toBe('ab'.repeat(32));
    expect(randomBytes).toHaveBeenCalledWith(32);
  });

  it('does not repeat itself', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateApiKey()));
    expect(keys.size).toBe(1000);
  });
});
