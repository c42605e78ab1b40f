// Options objects are checked for names they do not know: a typo such as `scope` for `scopes`
// would otherwise turn a restriction off without a word.

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const current = row[j] ?? 0;
      row[j] = Math.min(current + 1, (row[j - 1] ?? 0) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] ?? 0;
}

function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/**
 * Throws a `TypeError` naming the first option of `options` that is not in `known`, with the
 * nearest known name as a suggestion. The value is never quoted: it may be a secret put under
 * the wrong name.
 *
 * @example
 * assertKnownOptions({ store, scope: ['admin'] }, ['store', 'scopes'], '@keyward/express');
 * // TypeError: @keyward/express: options.scope is not an option (did you mean options.scopes?)
 */
export function assertKnownOptions(options: object, known: readonly string[], caller: string, path = 'options'): void {
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue;
    const suggestion = closest(name, known);
    const hint = suggestion === undefined ? `; known: ${known.join(', ')}` : ` (did you mean ${path}.${suggestion}?)`;
    throw new TypeError(`${caller}: ${path}.${JSON.stringify(name).slice(1, -1)} is not an option${hint}`);
  }
}
