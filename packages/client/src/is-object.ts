/**
 * Whether `value` is an object and neither `null` nor an array: what a JSON object body, a call's
 * input and an options argument must be. A typed value keeps its type (`T &`), so checking an
 * options object does not erase what its fields are.
 */
export function isObject<T>(value: T): value is T & Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
