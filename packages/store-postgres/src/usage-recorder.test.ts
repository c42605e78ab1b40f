import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createUsageRecorder } from './usage-recorder.js';

function setup(write?: (ids: string[], times: Date[]) => Promise<void>) {
  const batches: Array<Array<[string, number]>> = [];
  const errors: Error[] = [];
  const recorder = createUsageRecorder({
    intervalMs: 60_000,
    onError: (e) => errors.push(e),
    write:
      write ??
      (async (ids, times) => {
        batches.push(ids.map((id, i) => [id, times[i]!.getTime()]));
      }),
  });
  return { recorder, batches, errors };
}

describe('createUsageRecorder', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes one batch per interval with the latest use of each key', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('k1', 'k2', 'k3'), fc.integer({ min: 0, max: 1e12 })), { maxLength: 200 }),
        async (uses) => {
          const { recorder, batches } = setup();
          for (const [id, at] of uses) recorder.record(id, new Date(at));
          await recorder.close();
          const latest = new Map<string, number>();
          for (const [id, at] of uses) latest.set(id, Math.max(latest.get(id) ?? 0, at));
          expect(batches).toHaveLength(latest.size === 0 ? 0 : 1);
          expect(new Map(batches[0] ?? [])).toEqual(latest);
        },
      ),
    );
  });

  it('flushes on its timer, and writes nothing when nothing was used', async () => {
    vi.useFakeTimers();
    const { recorder, batches } = setup();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(batches).toHaveLength(0);
    recorder.record('k1', new Date(5));
    recorder.record('k1', new Date(7));
    expect(batches).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(batches).toEqual([[['k1', 7]]]);
    await recorder.close();
    expect(batches).toHaveLength(1);
  });

  it('keeps a failed batch for the next flush and reports the failure', async () => {
    let fail = true;
    const written: string[][] = [];
    const { recorder, errors } = setup(async (ids) => {
      if (fail) throw new Error('connection lost');
      written.push(ids);
    });
    recorder.record('k1', new Date(1));
    await recorder.flush();
    expect(errors.map((e) => e.message)).toEqual(['recording key usage failed: connection lost']);
    fail = false;
    recorder.record('k2', new Date(2));
    await recorder.close();
    expect(written).toEqual([['k1', 'k2']]);
  });

  it('ignores junk and anything recorded after close', async () => {
    const { recorder, batches } = setup();
    recorder.record(42 as unknown as string, new Date(1));
    recorder.record('k1', new Date(Number.NaN));
    recorder.record('k1', 'yesterday' as unknown as Date);
    await recorder.close();
    recorder.record('k1', new Date(1));
    await recorder.flush();
    expect(batches).toEqual([]);
  });
});
