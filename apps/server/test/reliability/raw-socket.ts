import { connect, type Socket } from 'node:net';

/** What a raw exchange saw: the bytes the server answered, and whether it closed the connection. */
export interface RawExchange {
  response: string;
  closed: boolean;
}

/** Opens a TCP connection to `port` on 127.0.0.1 and resolves once it is connected. */
export function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * Writes `bytes` as they are (no HTTP client would send most of what the tests send) and
 * collects the answer until the server closes the connection, or `waitMs` passes.
 */
export async function rawExchange(port: number, bytes: string | Buffer, waitMs = 5_000): Promise<RawExchange> {
  const socket = await openSocket(port);
  return new Promise((resolve) => {
    let response = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ response, closed: false });
    }, waitMs);
    socket.on('data', (chunk) => (response += chunk.toString('latin1')));
    // The server may reset rather than close: either way the exchange is over.
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ response, closed: true });
    });
    socket.write(bytes);
  });
}
