import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createNotifyListener, type ListenerClient } from './notify-listener.js';

class FakeClient extends EventEmitter {
  ended = false;
  destroyed = false;
  queries: string[] = [];
  /** Like a connection a firewall forgot: what is sent is never answered, and nothing closes. */
  silent = false;
  constructor(private readonly fail: boolean) {
    super();
  }
  async connect() {
    if (this.fail) throw new Error('connection refused');
  }
  query(text: string) {
    this.queries.push(text);
    return this.silent ? new Promise<void>(() => {}) : Promise.resolve();
  }
  async end() {
    this.ended = true;
    // A graceful end waits for the server's goodbye, which a forgotten connection never sends.
    if (this.silent) await new Promise<void>(() => {});
  }
  destroy() {
    this.destroyed = true;
  }
}

function setup(failures: boolean[] = [], extra: { heartbeatIntervalMs?: number } = {}) {
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
    ...extra,
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

  it('heartbeats, and stops counting as listening once a heartbeat goes unanswered for two intervals', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(1);
    const { listener, clients, errors, reconnects } = setup([], { heartbeatIntervalMs: 1_000 });
    await listener.start();
    await vi.advanceTimersByTimeAsync(3_000);
    // Answered heartbeats keep it listening.
    expect(clients[0]?.queries).toEqual(['LISTEN chan', 'SELECT 1', 'SELECT 1', 'SELECT 1']);
    expect(listener.listening).toBe(true);

    // No FIN, no RST: the connection just stops answering.
    const forgotten = clients[0] as FakeClient;
    forgotten.silent = true;
    await vi.advanceTimersByTimeAsync(1_000); // a heartbeat goes out, unanswered
    expect(listener.listening).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000); // the last answer was to the one sent 2 s ago
    expect(listener.listening).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    // Older than two intervals: not listening, whatever the connection says.
    expect(listener.listening).toBe(false);
    expect(clients).toHaveLength(1);

    // Given up on (destroyed: ending it gracefully would wait forever) and replaced.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(forgotten.destroyed).toBe(true);
    expect(errors.map((e) => e.message)).toEqual([
      'LISTEN connection lost; reconnecting: no answer to the heartbeat for 2000 ms',
    ]);
    await vi.advanceTimersByTimeAsync(100);
    expect(clients).toHaveLength(2);
    expect(listener.listening).toBe(true);
    expect(reconnects()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(clients[1]?.queries).toEqual(['LISTEN chan', 'SELECT 1']);
    await listener.close();
  });

  it('closes a forgotten connection without waiting for it', async () => {
    vi.useFakeTimers();
    const { listener, clients } = setup([], { heartbeatIntervalMs: 1_000 });
    await listener.start();
    (clients[0] as FakeClient).silent = true;
    const closing = listener.close();
    // Ended gracefully first; no goodbye within a heartbeat interval, so destroyed.
    expect((clients[0] as FakeClient).ended).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    await closing;
    expect((clients[0] as FakeClient).destroyed).toBe(true);
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
