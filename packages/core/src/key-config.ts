import { z } from 'zod';
import { isApiKeyFormat } from './api-key-format.js';
import { identifierSchema, keyNameSchema, scopeSchema } from './key-store-input.js';

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

/** The parsed static-key config of DESIGN.md section 5. */
export interface KeyConfig {
  keys: StaticKey[];
}

const entrySchema = z.strictObject({
  hash: z.string().refine(isApiKeyFormat, 'must be the SHA-256 of the key: 64 lowercase hex characters'),
  name: keyNameSchema,
  tenant_id: identifierSchema,
  environment_id: identifierSchema,
  user_id: identifierSchema.nullable().optional(),
  active: z.boolean().optional(),
  scopes: z.array(scopeSchema).max(100).optional(),
  expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
});

const configSchema = z.strictObject({ keys: z.array(z.unknown()) });

/**
 * Validates the static-key config (DESIGN.md section 5): keys given by their SHA-256, never in
 * plaintext. `active` defaults to `true`, `scopes` to none, `user_id` and `expires_at` to
 * `null`. Unknown fields are refused, so that a typo cannot silently drop a restriction.
 *
 * @throws TypeError naming the bad entry and field, e.g. `keys[1] ("ci").hash: must be …`.
 * @example
 * const config = parseKeyConfig(JSON.parse(fs.readFileSync('keys.json', 'utf8')));
 * const store = MemoryKeyStore.fromConfig(config);
 */
export function parseKeyConfig(json: unknown): KeyConfig {
  const top = configSchema.safeParse(json);
  if (!top.success) {
    const issue = top.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'config';
    throw new TypeError(`Invalid key config: ${where}: ${issue?.message ?? 'invalid'} (expected {"keys": [...]})`);
  }
  const seen = new Map<string, number>();
  const keys = top.data.keys.map((raw, index): StaticKey => {
    const result = entrySchema.safeParse(raw);
    const label = describeEntry(raw, index);
    if (!result.success) {
      const issue = result.error.issues[0];
      const field = issue?.path.length ? issue.path.join('.') : 'entry';
      // zod's message for an unknown key names it; for others the field is in the path.
      throw new TypeError(`Invalid key config: ${label}.${field}: ${issue?.message ?? 'invalid'}`);
    }
    const entry = result.data;
    const previous = seen.get(entry.hash);
    if (previous !== undefined) {
      throw new TypeError(`Invalid key config: ${label}.hash: the same hash as keys[${previous}]`);
    }
    seen.set(entry.hash, index);
    return {
      hash: entry.hash,
      name: entry.name,
      tenantId: entry.tenant_id,
      environmentId: entry.environment_id,
      userId: entry.user_id ?? null,
      active: entry.active ?? true,
      scopes: entry.scopes ?? [],
      expiresAt: entry.expires_at ? new Date(entry.expires_at) : null,
    };
  });
  return { keys };
}

function describeEntry(raw: unknown, index: number): string {
  const name = typeof raw === 'object' && raw !== null ? (raw as { name?: unknown }).name : undefined;
  return typeof name === 'string' && name.length > 0 && name.length <= 80
    ? `keys[${index}] (${JSON.stringify(name)})`
    : `keys[${index}]`;
}
