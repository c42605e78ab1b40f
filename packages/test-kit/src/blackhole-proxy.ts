// A TCP proxy in front of the test PostgreSQL server that can stop forwarding without closing
// anything: what a firewall, NAT or load balancer that forgot a connection does (no FIN, no RST).
import net from 'node:net';

/** Which connections {@link BlackholeProxy.blackhole} swallows. */
export interface BlackholeMatch {
  /**
   * Only connections that gave this `application_name` at startup (`keyward-listener` is the
   * store's LISTEN connection, `keyward` its pool). Default: every connection.
   */
  applicationName?: string;
}

/** A proxy started by {@link startBlackholeProxy}. */
export interface BlackholeProxy {
  /** The target URL with the proxy's host and port: hand it to the store under test. */
  readonly url: string;
  /**
   * From now on the matching connections, open and new, are swallowed: nothing they send is
   * forwarded, nothing comes back, nothing is closed. A new matching connection is accepted and
   * never answered.
   */
  blackhole(match?: BlackholeMatch): void;
  /**
   * Forwards again: the swallowed connections are reset (as a NAT that forgot them answers a
   * late packet), new ones reach the server.
   */
  heal(): void;
  /** Closes every connection and stops listening. */
  close(): Promise<void>;
}

interface Link {
  client: net.Socket;
  upstream: net.Socket | null;
  /** The client's first bytes: PostgreSQL's startup message, with its parameters. */
  startup: Buffer | null;
  swallowed: boolean;
}

/**
 * Starts a proxy on 127.0.0.1 in front of the server of `targetUrl` (a `postgres://` URL).
 *
 * @example
 * const proxy = await startBlackholeProxy(db.url);
 * const store = await createPostgresKeyStore({ connectionString: proxy.url });
 * proxy.blackhole({ applicationName: 'keyward-listener' });
 */
export async function startBlackholeProxy(targetUrl: string): Promise<BlackholeProxy> {
  const target = new URL(targetUrl);
  const host = target.hostname;
  const port = Number(target.port || 5432);
  const links = new Set<Link>();
  let rule: BlackholeMatch | null = null;

  const matches = (link: Link) => {
    if (rule === null || link.startup === null) return false;
    if (rule.applicationName === undefined) return true;
    return link.startup.includes(Buffer.from(`application_name\0${rule.applicationName}\0`));
  };
  const reset = (link: Link) => {
    links.delete(link);
    link.client.resetAndDestroy();
    link.upstream?.destroy();
  };

  const server = net.createServer((client) => {
    const link: Link = { client, upstream: null, startup: null, swallowed: false };
    links.add(link);
    client.on('error', () => {});
    client.on('close', () => {
      links.delete(link);
      link.upstream?.destroy();
    });
    client.on('data', (chunk) => {
      if (link.startup === null) {
        link.startup = chunk;
        link.swallowed = matches(link);
        if (!link.swallowed) {
          const upstream = net.connect(port, host);
          link.upstream = upstream;
          upstream.on('error', () => client.destroy());
          upstream.on('close', () => client.destroy());
          upstream.on('data', (reply) => {
            if (!link.swallowed) client.write(reply);
          });
        }
      }
      if (!link.swallowed) link.upstream?.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String(address.port);

  return {
    url: url.toString(),
    blackhole(match = {}) {
      rule = match;
      for (const link of links) if (matches(link)) link.swallowed = true;
    },
    heal() {
      rule = null;
      for (const link of [...links]) if (link.swallowed) reset(link);
    },
    async close() {
      rule = null;
      for (const link of [...links]) reset(link);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
