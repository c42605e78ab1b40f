/** Options for {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this long. Default 30,000 ms: generous, since the test asserts that it happens, not how fast. */
  timeoutMs?: number;
  /** Poll this often. Default 10 ms. */
  intervalMs?: number;
}

/**
 * Polls `check` until it returns true, or throws `timed out waiting for <what>`. For events
 * that arrive "soon" (a NOTIFY, a reconnect, a grace period ending).
 *
 * @example
 * await waitFor(() => store.changesReliable, 'the listener to reconnect');
 */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  { timeoutMs = 30_000, intervalMs = 10 }: WaitForOptions = {},
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
