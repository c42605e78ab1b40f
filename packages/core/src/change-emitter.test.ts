import { describe, expect, it } from 'vitest';
import { createChangeEmitter } from './change-emitter.js';
import type { KeyChange } from './key-store.js';

describe('createChangeEmitter', () => {
  it('calls every listener, in order, even after one throws, and reports the throw', () => {
    const errors: Error[] = [];
    const changes = createChangeEmitter({ onError: (err) => errors.push(err) });
    const seen: string[] = [];
    changes.watch(() => seen.push('a'));
    changes.watch(() => {
      throw new Error('boom');
    });
    changes.watch(() => seen.push('c'));
    changes.emit({ hash: 'h' });
    expect(seen).toEqual(['a', 'c']);
    expect(errors.map((err) => err.message)).toEqual(['a watch listener threw: boom']);
  });

  it('survives a throwing error reporter, and stops calling a listener once removed', () => {
    const changes = createChangeEmitter({
      onError: () => {
        throw new Error('reporter broke');
      },
    });
    const seen: KeyChange[] = [];
    changes.watch(() => {
      throw new Error('boom');
    });
    const stop = changes.watch((change) => seen.push(change));
    changes.emit({ all: true });
    stop();
    changes.emit({ hash: 'h' });
    expect(seen).toEqual([{ all: true }]);
  });
});
