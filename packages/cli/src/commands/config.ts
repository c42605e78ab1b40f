import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { generateApiKey, hashApiKey, parseKeyConfig, toDisplayId } from '@keyward/core';
import { parseExpiry } from '../expiry.js';
import { refuseOtherFlags, refuseSecretValue } from '../flags.js';
import { type CliIo, nameTyped, printable, UsageError } from '../io.js';

/** The command-line options of `keyward config add`, as `parseArgs` read them. */
export interface ConfigOptions {
  json?: boolean;
  /** The static-key config file (`KEYWARD_CONFIG`); created when missing. */
  file?: string;
  tenant?: string;
  environment?: string;
  /** Comma-separated; none by default. */
  scopes?: string;
  /** Default `static`. */
  name?: string;
  user?: string;
  expiresAt?: string;
  expiresIn?: string;
}

const COMMAND = 'keyward config add';

/** The file's text, or `undefined` when there is no file yet. */
async function readConfigText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Writes `text` in place of `file` at once (a temporary file renamed over it), keeping the file's
 * permissions, so that a server reading it never sees half a file.
 */
async function replaceFile(file: string, text: string): Promise<void> {
  const mode = await stat(file).then(
    (s) => s.mode & 0o777,
    () => 0o600,
  );
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, text, { mode, flag: 'wx' });
    await rename(temporary, file);
  } catch (err) {
    await unlink(temporary).catch(() => {});
    throw err;
  }
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`${COMMAND}: --${flag} is required`);
  refuseSecretValue(COMMAND, flag, value);
  return value;
}

/**
 * `keyward config add --file F --tenant T --environment E [--scopes a,b]`: a new key whose hash is
 * added to a static-key config file, checked with core's `parseKeyConfig` before and after, so a
 * file that a server would refuse is never written. The key goes alone to stdout, once; the file
 * holds only its hash.
 *
 * @throws UsageError when called wrongly, before the file is touched.
 */
export async function configCommand(io: CliIo, args: string[], options: ConfigOptions): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'add') {
    throw new UsageError(`keyward config: unknown command: ${action === undefined ? '(none)' : nameTyped(action)}`);
  }
  refuseOtherFlags(COMMAND, options, [
    'json',
    'file',
    'tenant',
    'environment',
    'scopes',
    'name',
    'user',
    'expiresAt',
    'expiresIn',
  ]);
  if (rest.length > 0) throw new UsageError(`${COMMAND}: takes no arguments; name the file with --file`);
  const file = required(options.file, 'file');
  const tenant = required(options.tenant, 'tenant');
  const environment = required(options.environment, 'environment');
  const name = options.name ?? 'static';
  refuseSecretValue(COMMAND, 'name', name);
  refuseSecretValue(COMMAND, 'user', options.user);
  const expiresAt = parseExpiry(options.expiresAt, options.expiresIn, COMMAND);

  const text = await readConfigText(file);
  let config: { keys: unknown[] };
  try {
    parseKeyConfig(text ?? '{"keys":[]}');
    config = JSON.parse(text ?? '{"keys":[]}') as { keys: unknown[] };
  } catch (err) {
    // Core's message names the entry and field and never quotes the file's text.
    io.stderr(`${COMMAND}: ${printable(file)}: ${(err as Error).message}; nothing was written\n`);
    return 1;
  }

  const key = generateApiKey();
  const hash = hashApiKey(key);
  const entry = {
    hash,
    name,
    tenant_id: tenant,
    environment_id: environment,
    ...(options.user === undefined ? {} : { user_id: options.user }),
    scopes: options.scopes === undefined ? [] : options.scopes.split(',').filter(Boolean),
    ...(expiresAt === undefined ? {} : { expires_at: expiresAt }),
  };
  const updated = { ...config, keys: [...config.keys, entry] };
  try {
    parseKeyConfig(updated);
  } catch (err) {
    // The new entry is the one that can be wrong: a flag value the server would refuse.
    throw new UsageError(`${COMMAND}: ${(err as Error).message.replace(/^Invalid key config: /, '')}`);
  }
  await replaceFile(file, `${JSON.stringify(updated, null, 2)}\n`);

  // The key is the one thing on stdout, so `> key.txt` captures just it; it is in no file.
  io.stdout(options.json ? `${JSON.stringify({ key, hash, display_id: toDisplayId(key) })}\n` : `${key}\n`);
  io.stderr(
    `added "${printable(name)}" (tenant ${printable(tenant)}, environment ${printable(environment)}) to ${printable(file)}: ` +
      `keys[${config.keys.length}], hash ${hash}\nStore the key now: it is shown once. Restart the server to load it.\n`,
  );
  return 0;
}
