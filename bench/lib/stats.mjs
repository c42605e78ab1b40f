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

/**
 * The median over rounds of `a`'s sample divided by `b`'s sample of the same round (of `field`
 * when samples are objects). Samples of one round ran next to each other, so whatever the machine
 * was doing then fell on both: a paired ratio spreads less than a ratio of two medians taken
 * over different moments.
 */
export function pairedRatio(samples, a, b, field) {
  const as = samples.get(a);
  const bs = samples.get(b);
  const value = (sample) => (field === undefined ? sample : sample[field]);
  return median(as.map((sample, round) => value(sample) / value(bs[round])));
}

/** Median of one field over a list of sample objects. */
export const medianOf = (list, field) => median(list.map((s) => s[field]));

export const fmt = (n, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
