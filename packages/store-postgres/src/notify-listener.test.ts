import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createNotifyListener, type ListenerClient } from './notify-listener.js';

class FakeClient extends EventEmitter {
  ended = false;
  queries: string[] = [];
  constructor(private readonly fail: boolean) {
    super();
  }
  async connect() {
    if (this.fail) throw new Error('connection refused');
  }
  async query(text: string) {
    this.queries.push(text);
  }
  async end() {
    this.ended = true;
  }
}

function setup(failures: boolean[] = []) {
  const clients: FakeClient[] = [];
  const payloads: string[] = [];
  const errors: Error[] = [];
  let reconnects = 0;
  const listener = createNotifyListener({
    createClient: () => {
      const client = new FakeClient(failures.shift() ?? false);
      clients.push(client);
      return client as unknown as ListenerClient;
    },
    listen: 'LISTEN chan',
    channel: 'chan',
    onNotification: (p) => payloads.push(p),
    onReconnect: () => {
      reconnects += 1;
    },
    onError: (e) => errors.push(e),
    initialDelayMs: 100,
    maxDelayMs: 400,
  });
  return { listener, clients, payloads, errors, reconnects: () => reconnects };
}

describe('createNotifyListener', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('subscribes, and passes on notifications of its channel only', async () => {
    const { listener, clients, payloads } = setup();
    await listener.start();
    expect(listener.listening).toBe(true);
    expect(clients[0]?.queries).toEqual(['LISTEN chan']);
    clients[0]?.emit('notification', { channel: 'chan', payload: 'abc' });
    clients[0]?.emit('notification', { channel: 'other', payload: 'zzz' });
    clients[0]?.emit('notification', { channel: 'chan' });
    expect(payloads).toEqual(['abc']);
    await listener.close();
    expect(clients[0]?.ended).toBe(true);
    expect(listener.listening).toBe(false);
  });

  it('rejects when the first connection fails', async () => {
    const { listener } = setup([true]);
    await expect(listener.start()).rejects.toThrow('connection refused');
    expect(listener.listening).toBe(false);
  });

  it('on a lost connection: not listening, retries with backoff, reports the gap once back', async () => {
    vi.useFakeTimers();
    // The jitter at its top (the full delay), so the schedule is exact.
    vi.spyOn(Math, 'random').mockReturnValue(1);
    const { listener, clients, errors, reconnects } = setup([false, true, true]);
    await listener.start();
    // One loss arrives as 'error' and then 'end': counted once.
    clients[0]?.emit('error', new Error('terminating connection due to administrator command'));
    clients[0]?.emit('end');
    expect(listener.listening).toBe(false);
    expect(clients[0]?.ended).toBe(true);
    expect(errors.map((e) => e.message)).toEqual([
      'LISTEN connection lost; reconnecting: terminating connection due to administrator command',
    ]);

    await vi.advanceTimersByTimeAsync(99);
    expect(clients).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1); // first retry after 100 ms: refused
    expect(clients).toHaveLength(2);
    expect(listener.listening).toBe(false);
    await vi.advanceTimersByTimeAsync(199); // doubled: 200 ms
    expect(clients).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1); // refused again
    expect(clients).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(399); // 400 ms, the cap
    expect(clients).toHaveLength(3);
    expect(reconnects()).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(clients).toHaveLength(4);
    expect(listener.listening).toBe(true);
    expect(reconnects()).toBe(1);
    expect(errors.filter((e) => e.message.startsWith('LISTEN reconnect failed'))).toHaveLength(2);

    // Old clients' late events change nothing.
    clients[0]?.emit('end');
    expect(listener.listening).toBe(true);
    await listener.close();
  });

  it('stops retrying once closed', async () => {
    vi.useFakeTimers();
    const { listener, clients, reconnects } = setup();
    await listener.start();
    clients[0]?.emit('end');
    await listener.close();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(clients).toHaveLength(1);
    expect(reconnects()).toBe(0);
    expect(listener.listening).toBe(false);
  });
});
