/**
 * Polls `check` until it returns true, or fails after a generous deadline. For events that
 * arrive "soon" (a NOTIFY, a reconnect): the test asserts that they happen, never how fast.
 */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  deadlineMs = 30_000,
): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
