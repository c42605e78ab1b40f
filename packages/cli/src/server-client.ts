import { createClient, type KeywardClient } from '@keyward/client';
import type { CliIo } from './io.js';

/** The flags every command that calls the server takes. */
export interface ServerOptions {
  /** Default `$KEYWARD_BASE_URL`, else `http://127.0.0.1:3000`. */
  baseUrl?: string;
  /** Sent as `X-Environment-ID`. */
  environmentId?: string;
}

/**
 * The client a command calls the server with. The calling key comes from `KEYWARD_API_KEY`
 * only: a key given as an argument would end up in shell history and in the process list.
 */
export function createServerClient(io: CliIo, options: ServerOptions): KeywardClient {
  return createClient({
    apiKey: io.env.KEYWARD_API_KEY,
    baseUrl: options.baseUrl ?? io.env.KEYWARD_BASE_URL ?? 'http://127.0.0.1:3000',
    environmentId: options.environmentId,
  });
}

/**
 * Runs `run` with `client` when one is given (tests, embedding), else with a client of its own
 * from {@link createServerClient}, closed afterwards whatever happens.
 */
export async function withServerClient<T>(
  io: CliIo,
  options: ServerOptions,
  client: KeywardClient | undefined,
  run: (api: KeywardClient) => Promise<T>,
): Promise<T> {
  const api = client ?? createServerClient(io, options);
  try {
    return await run(api);
  } finally {
    if (client === undefined) await api.close();
  }
}
