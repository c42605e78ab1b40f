/** The part of a node-postgres `Client` the listener uses, so tests can hand it a fake. */
export interface ListenerClient {
  connect(): Promise<unknown>;
  query(text: string): Promise<unknown>;
  end(): Promise<unknown>;
  on(event: 'notification', listener: (message: { channel: string; payload?: string | undefined }) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
}

/** Options for {@link createNotifyListener}. */
export interface NotifyListenerOptions {
  /** A new, unconnected client per attempt. */
  createClient: () => ListenerClient;
  /** The statement that subscribes, e.g. `LISTEN keyward_key_changes`. */
  listen: string;
  channel: string;
  onNotification: (payload: string) => void;
  /** After a lost connection is back and listening: changes in between were not seen. */
  onReconnect: () => void;
  onError: (err: Error) => void;
  /** First retry delay; doubled on each failure up to `maxDelayMs`. Default 100. */
  initialDelayMs?: number;
  /** Default 5,000: a lost listener is back within a few seconds of the server. */
  maxDelayMs?: number;
}

/** A LISTEN connection that comes back by itself. */
export interface NotifyListener {
  /** `true` while subscribed; `false` from the moment the connection is lost until it is back. */
  readonly listening: boolean;
  /** Connects and subscribes; rejects if the first attempt fails. */
  start(): Promise<void>;
  /** Stops for good: no more reconnects. */
  close(): Promise<void>;
}

/**
 * One dedicated connection (never a pooled one: a pool would hand it back and lose the
 * subscription) that LISTENs for key changes. When it is lost it reconnects with exponential
 * backoff and jitter, and reports the gap through `onReconnect`, since notifications sent
 * while nobody listened are gone.
 */
export function createNotifyListener(options: NotifyListenerOptions): NotifyListener {
  const initialDelayMs = options.initialDelayMs ?? 100;
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  let client: ListenerClient | null = null;
  let listening = false;
  let closed = false;
  let failures = 0;
  let timer: NodeJS.Timeout | null = null;

  const report = (message: string, cause: unknown) => {
    const detail = cause instanceof Error ? cause.message : String(cause);
    options.onError(new Error(`${message}: ${detail}`, { cause }));
  };

  async function connect(): Promise<void> {
    const next = options.createClient();
    client = next;
    let established = false;
    let lost = false;
    const onLost = (err?: Error) => {
      // 'error' and 'end' both arrive for one loss; only the current client's first counts,
      // and a failure before LISTEN succeeded is the caller's (it rejects connect()).
      if (lost || !established || client !== next) return;
      lost = true;
      listening = false;
      client = null;
      next.end().catch(() => {});
      if (closed) return;
      report('LISTEN connection lost; reconnecting', err ?? new Error('connection ended'));
      schedule();
    };
    next.on('error', onLost);
    next.on('end', () => onLost());
    next.on('notification', (message) => {
      if (message.channel === options.channel && message.payload) options.onNotification(message.payload);
    });
    try {
      await next.connect();
      await next.query(options.listen);
    } catch (err) {
      lost = true;
      if (client === next) client = null;
      next.end().catch(() => {});
      throw err;
    }
    if (closed) {
      await next.end().catch(() => {});
      return;
    }
    established = true;
    listening = true;
  }

  function schedule(): void {
    const base = Math.min(maxDelayMs, initialDelayMs * 2 ** failures);
    // Jitter keeps many instances from reconnecting in lockstep after a server restart.
    const delay = base / 2 + Math.random() * (base / 2);
    timer = setTimeout(async () => {
      timer = null;
      if (closed) return;
      try {
        await connect();
        failures = 0;
        if (!closed) options.onReconnect();
      } catch (err) {
        failures += 1;
        if (closed) return;
        report('LISTEN reconnect failed; retrying', err);
        schedule();
      }
    }, delay);
    timer.unref();
  }

  return {
    get listening() {
      return listening && !closed;
    },
    start: connect,
    async close() {
      closed = true;
      listening = false;
      if (timer) clearTimeout(timer);
      timer = null;
      const current = client;
      client = null;
      if (current) await current.end().catch(() => {});
    },
  };
}
