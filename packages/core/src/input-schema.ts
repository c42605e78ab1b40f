import { formatIssue, type IssueLike } from './describe-issue.js';

// The few schemas core checks input with, written by hand. A validation library would be over
// 400 KB of every adapter's and client's bundle, and megabytes of every install, for the
// handful of field rules below; the reference server, which parses whole request bodies and
// documents them, builds its zod schemas from the same FIELD_RULES instead.

type Path = readonly (string | number)[];

/** A failed check: zod's issue shape, so {@link describeIssue} reads both alike. */
interface InputIssue extends IssueLike {
  readonly code: 'invalid_type' | 'invalid_value' | 'too_small' | 'too_big' | 'unrecognized_keys';
  readonly path: Path;
  readonly message: string;
}

/** What {@link Schema.safeParse} answers. */
type SafeParseResult<T> =
  | { success: true; data: T; error?: undefined }
  | { success: false; data?: undefined; error: { issues: InputIssue[] } };

/** A check of one value: what it was parsed into, or the first issue with it. */
export interface Schema<T> {
  safeParse(value: unknown): SafeParseResult<T>;
  /** @throws TypeError naming the field and what is wrong with it, never the value. */
  parse(value: unknown): T;
}

class IssueThrown {
  constructor(readonly issue: InputIssue) {}
}

// Schemas run by throwing their first issue: checking stops there, as it is only ever reported.
const run = new WeakMap<Schema<unknown>, (value: unknown, path: Path) => unknown>();

function fail(code: InputIssue['code'], path: Path, message: string, extra: Partial<InputIssue> = {}): never {
  throw new IssueThrown({ code, path, message, ...extra });
}

function schema<T>(check: (value: unknown, path: Path) => T): Schema<T> {
  const made: Schema<T> = {
    safeParse(value) {
      try {
        return { success: true, data: check(value, []) };
      } catch (err) {
        if (err instanceof IssueThrown) return { success: false, error: { issues: [err.issue] } };
        throw err;
      }
    },
    parse(value) {
      const result = made.safeParse(value);
      if (result.success) return result.data;
      throw new TypeError(formatIssue(result.error.issues[0]));
    },
  };
  run.set(made as Schema<unknown>, check);
  return made;
}

function runAt<T>(inner: Schema<T>, value: unknown, path: Path): T {
  return (run.get(inner as Schema<unknown>) as (value: unknown, path: Path) => T)(value, path);
}

// A missing field says "required" rather than what type it should have been.
function expected(what: string, value: unknown, path: Path): never {
  return fail('invalid_type', path, value === undefined && path.length > 0 ? 'required' : `expected ${what}`);
}

interface TextRules {
  minLength: number;
  maxLength: number;
  /** What the text must match, and the message when it does not. */
  pattern?: RegExp;
  /** What the text must not contain, and the message when it does. */
  forbidden?: RegExp;
  message?: string;
  /** Trim surrounding whitespace first (the lengths count the trimmed text). */
  trim?: boolean;
}

/** A string within `minLength`..`maxLength` UTF-16 units, matching `pattern`, free of `forbidden`. */
export function text(rules: TextRules): Schema<string> {
  const message = rules.message ?? 'is not allowed';
  return schema((value, path) => {
    if (typeof value !== 'string') expected('string', value, path);
    const string = rules.trim ? value.trim() : value;
    if (string.length < rules.minLength) {
      fail('too_small', path, `must be at least ${rules.minLength} character${rules.minLength === 1 ? '' : 's'}`);
    }
    if (string.length > rules.maxLength) fail('too_big', path, `must be at most ${rules.maxLength} characters`);
    if (rules.pattern && !rules.pattern.test(string)) fail('invalid_value', path, message);
    if (rules.forbidden?.test(string)) fail('invalid_value', path, message);
    return string;
  });
}

/** A safe integer from `min` to `max`; `fallback`, when given, stands in for a missing one. */
export function integer(min: number, max: number, fallback?: number): Schema<number> {
  return schema((value, path) => {
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== 'number') expected('number', value, path);
    if (!Number.isSafeInteger(value)) fail('invalid_type', path, 'expected an integer');
    if (value < min) fail('too_small', path, `must be at least ${min}`);
    if (value > max) fail('too_big', path, `must be at most ${max}`);
    return value;
  });
}

export const boolean: Schema<boolean> = schema((value, path) =>
  typeof value === 'boolean' ? value : expected('boolean', value, path),
);

/** A `Date` that holds a time (not `new Date('nonsense')`). */
export const validDate: Schema<Date> = schema((value, path) => {
  if (!(value instanceof Date)) expected('date', value, path);
  if (Number.isNaN(value.getTime())) fail('invalid_value', path, 'must be a valid date');
  return value;
});

// RFC 3339 as zod's z.iso.datetime({ offset: true }) reads it: a real calendar date, seconds,
// optional fractions, then Z or an offset.
const DATE = String.raw`(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))`;
const TIME = String.raw`(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)`;
const DATE_TIME = new RegExp(`^${DATE}T${TIME}$`);

/** An ISO 8601 timestamp with seconds and an offset or Z, such as `2031-01-01T00:00:00Z`. */
export const isoDateTime: Schema<string> = schema((value, path) => {
  if (typeof value !== 'string') expected('string', value, path);
  if (!DATE_TIME.test(value)) fail('invalid_value', path, 'must be an ISO 8601 date and time with an offset or Z');
  return value;
});

/** Anything at all, for a value checked later by other means. */
export const unknownValue: Schema<unknown> = schema((value) => value);

/** `inner`, or `undefined` when the field is left out. */
export function optional<T>(inner: Schema<T>): Schema<T | undefined> {
  return schema((value, path) => (value === undefined ? undefined : runAt(inner, value, path)));
}

/** `inner`, or `null`. */
export function nullable<T>(inner: Schema<T>): Schema<T | null> {
  return schema((value, path) => (value === null ? null : runAt(inner, value, path)));
}

/** `inner`, `null`, or left out. */
export function nullish<T>(inner: Schema<T>): Schema<T | null | undefined> {
  return schema((value, path) => (value === null || value === undefined ? value : runAt(inner, value, path)));
}

/** An array of at most `maxItems` values, each passing `item`. */
export function arrayOf<T>(item: Schema<T>, maxItems = Number.POSITIVE_INFINITY): Schema<T[]> {
  return schema((value, path) => {
    if (!Array.isArray(value)) expected('array', value, path);
    if (value.length > maxItems) fail('too_big', path, `must have at most ${maxItems} items`);
    return value.map((v, index) => runAt(item, v, [...path, index]));
  });
}

/**
 * `inner`, then `then` on what it parsed: `then` answers the value to keep, or calls `reject`
 * with what is wrong (at `field` under the value, when given) to fail like any other check.
 */
export function refine<T, U>(
  inner: Schema<T>,
  then: (value: T, reject: (message: string, field?: string) => never) => U,
): Schema<U> {
  return schema((value, path) =>
    then(runAt(inner, value, path), (message, field) =>
      fail('invalid_value', field === undefined ? path : [...path, field], message),
    ),
  );
}

type Shape = Record<string, Schema<unknown>>;
type Parsed<S extends Shape> = { [K in keyof S]: S[K] extends Schema<infer T> ? T : never };

/**
 * An object with exactly the fields of `shape`: a field it does not know is refused, so that a
 * typo cannot silently drop a restriction. Fields left out or given as `undefined` alike are
 * absent from the result.
 */
export function strictObject<S extends Shape>(shape: S): Schema<Parsed<S>> {
  return objectOf(shape, true);
}

/** An object with the fields of `shape`, others left out of the result (a scope taken from a bigger object). */
export function looseObject<S extends Shape>(shape: S): Schema<Parsed<S>> {
  return objectOf(shape, false);
}

function objectOf<S extends Shape>(shape: S, strict: boolean): Schema<Parsed<S>> {
  const known = new Set(Object.keys(shape));
  return schema((value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) expected('object', value, path);
    const unknown = strict ? Object.keys(value).find((key) => !known.has(key)) : undefined;
    if (unknown !== undefined) fail('unrecognized_keys', path, 'unknown field', { keys: [unknown] });
    const parsed: Record<string, unknown> = {};
    for (const key of known) {
      const field = runAt(shape[key] as Schema<unknown>, (value as Record<string, unknown>)[key], [...path, key]);
      if (field !== undefined) parsed[key] = field;
    }
    return parsed as Parsed<S>;
  });
}
