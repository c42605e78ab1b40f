/**
 * The reliability suite (`pnpm test:reliability`) is every test file under a `test/reliability/`
 * folder. `pnpm test` (and so CI) runs the same files in short mode; `pnpm test:reliability`
 * sets `KEYWARD_RELIABILITY=full`, which makes the attacks longer and the samples larger.
 * Assertions never change with the mode: only how hard the test pushes.
 */
export const fullReliability = process.env.KEYWARD_RELIABILITY === 'full';

/**
 * How many times to repeat an attack: `short` in CI, `full` under `pnpm test:reliability`.
 *
 * @example
 * for (let round = 0; round < attempts(20, 200); round++) { ... }
 */
export function attempts(short: number, full: number): number {
  return fullReliability ? full : short;
}
