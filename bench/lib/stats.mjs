// Small statistics and formatting helpers shared by every scenario.

export const median = (xs) => percentile(xs, 50);

/** The p-th percentile (nearest rank) of a list of numbers. */
export function percentile(xs, p) {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/**
 * Runs `variants` in interleaved rounds: every round runs each variant once, starting from a
 * different one each time, so whatever else the machine is doing falls on all of them alike.
 * `run(variant, round)` returns one sample (or an object of samples); the result maps each
 * variant's name to its list of samples.
 */
export async function interleave(variants, rounds, run) {
  const samples = new Map(variants.map((v) => [v.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < variants.length; i++) {
      const variant = variants[(i + round) % variants.length];
      samples.get(variant.name).push(await run(variant, round));
    }
  }
  return samples;
}

/** Median of one field over a list of sample objects. */
export const medianOf = (list, field) => median(list.map((s) => s[field]));

export const fmt = (n, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
