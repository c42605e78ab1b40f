import type { KeyChange } from './key-store.js';

/** Told about a key change, to evict what it cached. */
export type KeyChangeListener = (change: KeyChange) => void;

/** The watcher list a store keeps: `watch` for its `KeyStore.watch`, `emit` after each change. */
export interface ChangeEmitter {
  /** Adds a listener; returns the function that removes it. */
  watch(listener: KeyChangeListener): () => void;
  /** Calls every listener, even when one throws. */
  emit(change: KeyChange): void;
  /** Removes every listener (a store that closes). */
  clear(): void;
}

/**
 * The one change emitter every store shares. A listener that throws is reported to `onError`
 * and the others are still called: one faulty watcher must never leave another authenticator
 * with a revoked key in its cache.
 *
 * @example
 * const changes = createChangeEmitter({ onError: (err) => log.warn(err) });
 * store.watch = changes.watch;
 * changes.emit({ hash }); // after a revoke
 */
export function createChangeEmitter(options: { onError?: (error: Error) => void } = {}): ChangeEmitter {
  const listeners = new Set<KeyChangeListener>();
  const onError = options.onError ?? (() => {});
  return {
    watch(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    clear() {
      listeners.clear();
    },
    emit(change) {
      for (const listener of listeners) {
        try {
          listener(change);
        } catch (err) {
          try {
            onError(
              new Error(`a watch listener threw: ${err instanceof Error ? err.message : String(err)}`, { cause: err }),
            );
          } catch {
            // A throwing reporter must not stop the eviction either.
          }
        }
      }
    },
  };
}
