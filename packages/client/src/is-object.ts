/**
 * Whether `value` is an object and neither `null` nor an array: what a JSON object body, a call's
 * input and an options argument must be.
 */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
