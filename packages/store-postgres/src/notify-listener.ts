/** The part of a node-postgres `Client` the listener uses, so tests can hand it a fake. */
export interface ListenerClient {
  connect(): Promise<unknown>;
  query(text: string): Promise<unknown>;
  end(): Promise<unknown>;
  on(event: 'notification', listener: (message: { channel: string; payload?: string | undefined }) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  /**
   * Drops the socket at once, without the goodbye `end()` waits for: for a connection that
   * stopped answering, whose server would never say goodbye.
   */
  destroy?(): void;
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
  /**
   * How often the connection is asked a `SELECT 1`. An answer proves that every notification
   * sent before the question has arrived; the listener counts as listening only while the last
   * answer is to a question at most two intervals old, and a connection that leaves one
   * unanswered that long is dropped and replaced. Default 500.
   */
  heartbeatIntervalMs?: number;
}

/** A LISTEN connection that comes back by itself. */
export interface NotifyListener {
  /**
   * `true` while subscribed and heard from: `false` from the moment the connection is lost, or
   * its last heartbeat answer is more than two intervals old, until it is back.
   */
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
 *
 * A connection a firewall or NAT forgot (no FIN, no RST) reports nothing: only a question left
 * unanswered shows it. So the listener heartbeats, and stops counting as listening as soon as
 * it has not been heard from for two intervals, before it even gives the connection up.
 */
export function createNotifyListener(options: NotifyListenerOptions): NotifyListener {
  const initialDelayMs = options.initialDelayMs ?? 100;
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 500;
  const staleAfterMs = 2 * heartbeatIntervalMs;
  let client: ListenerClient | null = null;
  let listening = false;
  let closed = false;
  let failures = 0;
  let timer: NodeJS.Timeout | null = null;
  let heartbeat: NodeJS.Timeout | null = null;
  // When the last answered question (LISTEN or a heartbeat) was sent: everything notified
  // before then has arrived. A monotonic clock, so a wall-clock step cannot make it look fresh.
  let heardAt = 0;
  const clock = () => performance.now();

  const report = (message: string, cause: unknown) => {
    const detail = cause instanceof Error ? cause.message : String(cause);
    options.onError(new Error(`${message}: ${detail}`, { cause }));
  };

  async function connect(): Promise<void> {
    const next = options.createClient();
    client = next;
    let established = false;
    let lost = false;
    // `silent`: the connection stopped answering without a word (a heartbeat left unanswered).
    const onLost = (err?: Error, silent = false) => {
      // 'error' and 'end' both arrive for one loss; only the current client's first counts,
      // and a failure before LISTEN succeeded is the caller's (it rejects connect()).
      if (lost || !established || client !== next) return;
      lost = true;
      listening = false;
      client = null;
      stopHeartbeat();
      // One the driver saw end can end; a silent one would wait forever for the goodbye.
      if (silent) drop(next);
      else next.end().catch(() => {});
      if (closed) return;
      report('LISTEN connection lost; reconnecting', err ?? new Error('connection ended'));
      schedule();
    };
    next.on('error', onLost);
    next.on('end', () => onLost());
    next.on('notification', (message) => {
      if (message.channel === options.channel && message.payload) options.onNotification(message.payload);
    });
    let subscribedAt: number;
    try {
      await next.connect();
      subscribedAt = clock();
      await next.query(options.listen);
    } catch (err) {
      lost = true;
      if (client === next) client = null;
      drop(next);
      throw err;
    }
    if (closed) {
      await endWithin(next, heartbeatIntervalMs);
      return;
    }
    established = true;
    listening = true;
    heardAt = subscribedAt;
    startHeartbeat(next, onLost);
  }

  function startHeartbeat(current: ListenerClient, onLost: (err: Error, silent: boolean) => void): void {
    stopHeartbeat();
    let askedAt: number | null = null;
    heartbeat = setInterval(() => {
      if (client !== current) return;
      const at = clock();
      if (askedAt !== null) {
        // The question before is still unanswered: give the connection up once even the last
        // answer is too old to count.
        if (at - heardAt > staleAfterMs) {
          onLost(new Error(`no answer to the heartbeat for ${Math.round(at - askedAt)} ms`), true);
        }
        return;
      }
      askedAt = at;
      current.query('SELECT 1').then(
        () => {
          if (askedAt === at) heardAt = at;
          askedAt = null;
        },
        (err: unknown) => onLost(err instanceof Error ? err : new Error(String(err)), false),
      );
    }, heartbeatIntervalMs);
    heartbeat.unref();
  }

  function stopHeartbeat(): void {
    if (heartbeat) clearInterval(heartbeat);
    heartbeat = null;
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
      return listening && !closed && clock() - heardAt <= staleAfterMs;
    },
    start: connect,
    async close() {
      closed = true;
      listening = false;
      stopHeartbeat();
      if (timer) clearTimeout(timer);
      timer = null;
      const current = client;
      client = null;
      if (current) await endWithin(current, heartbeatIntervalMs);
    },
  };
}

/** Drops a connection given up on: at once where the client can, else a graceful end in the background. */
function drop(client: ListenerClient): void {
  if (client.destroy) client.destroy();
  else client.end().catch(() => {});
}

/**
 * Ends a connection gracefully, but destroys it if the server has not said goodbye within
 * `ms`: a forgotten connection never would, and close() must not wait for it.
 */
async function endWithin(client: ListenerClient, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ended = client.end().then(
    () => true,
    () => true,
  );
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const inTime = await Promise.race([ended, late]);
  clearTimeout(timer);
  if (!inTime) client.destroy?.();
}
