// The cursor of key listings: where the next page starts, as the (created_at, id) of the last
// key a page showed. Newest first with the id as tiebreak is a total order, so "every key after
// this one" is the same set whatever is created or revoked meanwhile: a walk by cursor repeats
// and skips nothing (a walk by offset does both when keys are created between its pages).

/** A key's place in the newest-first order of a listing. */
export interface KeyListPosition {
  createdAt: Date;
  id: string;
}

const MAX_CURSOR_LENGTH = 512;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * The opaque cursor of the page that starts right after `position`. Callers pass it back
 * unchanged; what is inside may change between versions.
 */
export function encodeKeyListCursor(position: KeyListPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt.getTime(), position.id])).toString('base64url');
}

/**
 * The position a cursor made by {@link encodeKeyListCursor} names, or `null` for anything else
 * (a truncated, edited or foreign cursor). A cursor names a position only: the listing is still
 * confined to the caller's tenant and environment, so a cursor reveals and reaches nothing.
 */
export function decodeKeyListCursor(cursor: unknown): KeyListPosition | null {
  if (typeof cursor !== 'string' || cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) return null;
  const bytes = Buffer.from(cursor, 'base64url');
  // Only the one spelling encodeKeyListCursor makes: an edited cursor must not decode to a
  // neighbouring position by accident.
  if (bytes.toString('base64url') !== cursor) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return null;
  const [ms, id] = parsed as [unknown, unknown];
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || typeof id !== 'string' || id === '' || id.length > 256) {
    return null;
  }
  const createdAt = new Date(ms);
  if (Number.isNaN(createdAt.getTime())) return null;
  return { createdAt, id };
}

/** Whether `record` comes after `position` in the newest-first order (ties by id, descending, in byte order). */
export function isAfterKeyListPosition(record: KeyListPosition, position: KeyListPosition): boolean {
  const a = record.createdAt.getTime();
  const b = position.createdAt.getTime();
  return a < b || (a === b && record.id < position.id);
}
