import { API_KEY_PATTERN } from './api-key-format.js';
import { describeIssue } from './describe-issue.js';
import {
  arrayOf,
  boolean,
  isoDateTime,
  nullable,
  optional,
  type Schema,
  strictObject,
  text,
  unknownValue,
  validDate,
} from './input-schema.js';
import { FIELD_RULES, identifierSchema, keyNameSchema, scopeSchema } from './key-store-input.js';

/** One static key of the config file, camelCased. */
export interface StaticKey {
  hash: string;
  name: string;
  tenantId: string;
  environmentId: string;
  userId: string | null;
  active: boolean;
  scopes: string[];
  expiresAt: Date | null;
}

/** The parsed static-key config (`KEYWARD_CONFIG`, docs/server.md). */
export interface KeyConfig {
  keys: StaticKey[];
}

// A SHA-256 in hex has the shape of a key; one message for every way of missing it.
const hashSchema = text({
  minLength: 0,
  maxLength: Number.POSITIVE_INFINITY,
  pattern: API_KEY_PATTERN,
  message: 'must be the SHA-256 of the key: 64 lowercase hex characters',
});

const scopesSchema = arrayOf(scopeSchema, FIELD_RULES.scopes.maxItems);

const entrySchema = strictObject({
  hash: hashSchema,
  name: keyNameSchema,
  tenant_id: identifierSchema,
  environment_id: identifierSchema,
  user_id: optional(nullable(identifierSchema)),
  active: optional(boolean),
  scopes: optional(scopesSchema),
  expires_at: optional(nullable(isoDateTime)),
});

// A KeyConfig built in code rather than read from a file: the camelCase shape, every field given.
const staticKeySchema = strictObject({
  hash: hashSchema,
  name: keyNameSchema,
  tenantId: identifierSchema,
  environmentId: identifierSchema,
  userId: nullable(identifierSchema),
  active: boolean,
  scopes: scopesSchema,
  expiresAt: nullable(validDate),
});

const configSchema = strictObject({ keys: arrayOf(unknownValue) });

// Configs that came out of parseKeyConfig, so MemoryKeyStore.fromConfig need not check them again.
const parsedConfigs = new WeakSet<object>();

function parseEntries<T>(rawKeys: unknown[], schema: Schema<T>, toStatic: (entry: T) => StaticKey): KeyConfig {
  const seen = new Map<string, number>();
  const keys = rawKeys.map((raw, index): StaticKey => {
    const result = schema.safeParse(raw);
    const label = describeEntry(raw, index);
    if (!result.success) {
      const { field, message } = describeIssue(result.error.issues[0], [], 'entry');
      throw new TypeError(`Invalid key config: ${label}.${field}: ${message}`);
    }
    const entry = toStatic(result.data);
    const previous = seen.get(entry.hash);
    if (previous !== undefined) {
      throw new TypeError(`Invalid key config: ${label}.hash: the same hash as keys[${previous}]`);
    }
    seen.set(entry.hash, index);
    return entry;
  });
  const config = { keys };
  parsedConfigs.add(config);
  return config;
}

/**
 * Validates the static-key config (docs/server.md, "Static keys"): keys given by their SHA-256,
 * never in plaintext. Takes the parsed JSON or the JSON text. `active` defaults to `true`,
 * `scopes` to none, `user_id` and `expires_at` to `null`. Unknown fields are refused, so that a
 * typo cannot silently drop a restriction.
 *
 * @throws TypeError naming the bad entry and field, e.g. `keys[1] ("ci").hash: must be …`.
 * @example
 * const config = parseKeyConfig(fs.readFileSync('keys.json', 'utf8'));
 * const store = MemoryKeyStore.fromConfig(config);
 */
export function parseKeyConfig(json: unknown): KeyConfig {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch {
      // JSON.parse's own message quotes the text around the error, and the text may hold a
      // plaintext key pasted by mistake: say where the problem is, never what is there.
      throw new TypeError('Invalid key config: not valid JSON');
    }
  }
  const top = configSchema.safeParse(value);
  if (!top.success) {
    const { field, message } = describeIssue(top.error.issues[0], [], 'config');
    throw new TypeError(`Invalid key config: ${field}: ${message} (expected {"keys": [...]})`);
  }
  return parseEntries(top.data.keys, entrySchema, (entry) => ({
    hash: entry.hash,
    name: entry.name,
    tenantId: entry.tenant_id,
    environmentId: entry.environment_id,
    userId: entry.user_id ?? null,
    active: entry.active ?? true,
    scopes: entry.scopes ?? [],
    expiresAt: entry.expires_at ? new Date(entry.expires_at) : null,
  }));
}

/**
 * A config as MemoryKeyStore.fromConfig takes it: the result of {@link parseKeyConfig} as is,
 * a {@link KeyConfig} built in code (camelCase, checked here), or raw file JSON (parsed here).
 * Internal: not re-exported from the package.
 */
export function toKeyConfig(config: unknown): KeyConfig {
  if (typeof config === 'object' && config !== null && parsedConfigs.has(config)) return config as KeyConfig;
  const keys = typeof config === 'object' && config !== null ? (config as { keys?: unknown }).keys : undefined;
  const camelCase =
    Array.isArray(keys) &&
    keys.length > 0 &&
    keys.every((k) => typeof k === 'object' && k !== null && ('tenantId' in k || 'environmentId' in k));
  if (!camelCase) return parseKeyConfig(config);
  const top = configSchema.safeParse(config);
  if (!top.success) {
    const { field, message } = describeIssue(top.error.issues[0], [], 'config');
    throw new TypeError(`Invalid key config: ${field}: ${message} (expected {"keys": [...]})`);
  }
  return parseEntries(top.data.keys, staticKeySchema, (entry) => ({ ...entry, scopes: [...entry.scopes] }));
}

function describeEntry(raw: unknown, index: number): string {
  const name = typeof raw === 'object' && raw !== null ? (raw as { name?: unknown }).name : undefined;
  return typeof name === 'string' && name.length > 0 && name.length <= 80
    ? `keys[${index}] (${JSON.stringify(name)})`
    : `keys[${index}]`;
}
