/**
 * How a key is shown to people: its first 6 and last 2 characters joined by `***`, so that
 * at most 8 of its 64 characters are ever revealed: too few to narrow a guess of the rest.
 *
 * @example
 * toDisplayId('3f9a2b…c41e'); // '3f9a2b***1e'
 */
export function toDisplayId(key: string): string {
  if (typeof key !== 'string' || key.length < 16) {
    throw new TypeError('toDisplayId expects an API key string');
  }
  return `${key.slice(0, 6)}***${key.slice(-2)}`;
}
