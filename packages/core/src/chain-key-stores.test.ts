import { describe, expect, it, vi } from 'vitest';
import { fakeStore, storedKey } from '../test/helpers.js';
import { chainKeyStores } from './chain-key-stores.js';

const hash = (n: number) => n.toString(16).padStart(64, '0');

describe('chainKeyStores', () => {
  it('asks the stores in order; the first that knows the hash answers', async () => {
    const first = fakeStore([storedKey({ hash: hash(1), name: 'first' })]);
    const second = fakeStore([storedKey({ hash: hash(1), name: 'second' }), storedKey({ hash: hash(2) })]);
    const chain = chainKeyStores(first.store, second.store);
    expect((await chain.findByHash(hash(1)))?.name).toBe('first');
    expect(second.state.lookups).toBe(0);
    expect((await chain.findByHash(hash(2)))?.hash).toBe(hash(2));
    expect(await chain.findByHash(hash(3))).toBeNull();
  });

  it('fails when a store it must ask fails', async () => {
    const first = fakeStore();
    first.state.failWith = new Error('down');
    await expect(chainKeyStores(first.store, fakeStore().store).findByHash(hash(1))).rejects.toThrow('down');
  });

  it('passes changes of every store on, and unsubscribes from all', () => {
    const a = fakeStore();
    const b = fakeStore();
    const chain = chainKeyStores(a.store, b.store, { findByHash: async () => null });
    const listener = vi.fn();
    const stop = chain.watch?.(listener);
    a.emit({ hash: hash(1) });
    b.emit({ all: true });
    expect(listener.mock.calls).toEqual([[{ hash: hash(1) }], [{ all: true }]]);
    stop?.();
    expect(a.listeners.size + b.listeners.size).toBe(0);
  });

  it('is reliable only while every store is', () => {
    const a = fakeStore();
    const chain = chainKeyStores(a.store, fakeStore().store);
    expect(chain.changesReliable).toBe(true);
    a.state.changesReliable = false;
    expect(chain.changesReliable).toBe(false);
  });

  it('passes usage to the stores that record it', () => {
    const recordUsage = vi.fn();
    const chain = chainKeyStores({ findByHash: async () => null, recordUsage }, fakeStore().store);
    const at = new Date();
    chain.recordUsage?.('key_1', at);
    expect(recordUsage).toHaveBeenCalledWith('key_1', at);
  });

  it('throws when given no store or something else', () => {
    expect(() => chainKeyStores()).toThrow(/every argument must be a KeyStore/);
    expect(() => chainKeyStores({} as never)).toThrow(TypeError);
    expect(() => chainKeyStores(null as never)).toThrow(TypeError);
  });
});
