/** Options for {@link createUsageRecorder}. */
export interface UsageRecorderOptions {
  /** Writes one batch: parallel arrays of key ids and their latest use. */
  write: (ids: string[], times: Date[]) => Promise<void>;
  intervalMs: number;
  onError: (err: Error) => void;
}

/** Collects key uses in memory and writes them in one statement per interval. */
export interface UsageRecorder {
  /** Remembers the latest use of a key; no I/O. */
  record(id: string, at: Date): void;
  /** Writes what has been recorded; a failed batch is kept for the next flush. */
  flush(): Promise<void>;
  /** Stops the timer and flushes one last time. */
  close(): Promise<void>;
}

/**
 * Usage batching: a request never waits for, or causes, a write of its own. However many
 * requests a key serves, it costs at most one row update per interval; memory holds one entry
 * per key used in the interval.
 */
export function createUsageRecorder(options: UsageRecorderOptions): UsageRecorder {
  let pending = new Map<string, Date>();
  let running: Promise<void> = Promise.resolve();
  let closed = false;

  const merge = (id: string, at: Date) => {
    const seen = pending.get(id);
    if (seen === undefined || seen.getTime() < at.getTime()) pending.set(id, at);
  };

  const flushOnce = async () => {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    try {
      await options.write([...batch.keys()], [...batch.values()]);
    } catch (err) {
      // Kept, not lost: the next flush retries, still one entry per key.
      for (const [id, at] of batch) merge(id, at);
      const detail = err instanceof Error ? err.message : String(err);
      options.onError(new Error(`recording key usage failed: ${detail}`, { cause: err }));
    }
  };

  // Flushes never overlap: each waits for the one before it.
  const flush = () => {
    running = running.then(flushOnce);
    return running;
  };

  const timer = setInterval(() => void flush(), options.intervalMs);
  // Usage is best effort: the timer alone never keeps a process alive.
  timer.unref();

  return {
    record(id, at) {
      if (closed || typeof id !== 'string' || !(at instanceof Date) || Number.isNaN(at.getTime())) return;
      merge(id, at);
    },
    flush,
    async close() {
      closed = true;
      clearInterval(timer);
      await flush();
    },
  };
}
