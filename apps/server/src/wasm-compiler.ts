import { setFlagsFromString } from 'node:v8';

/**
 * Whether the operator started node with a WebAssembly tiering flag of their own (`--liftoff-only`,
 * `--no-liftoff-only`, `--liftoff`, `--wasm-tiering-budget=…`, in any of V8's spellings): theirs
 * is kept. V8 flags cannot be given in NODE_OPTIONS, so the command line is the only place.
 */
export function operatorChoseWasmTiering(execArgv: readonly string[]): boolean {
  return execArgv.some((arg) => /^--(no-?)?(liftoff|wasm[-_]tier|wasm[-_]dynamic[-_]tiering)/.test(arg));
}

/**
 * Runs the embedded database's WebAssembly (PGlite) on V8's baseline compiler, Liftoff, only;
 * called before PGlite compiles its module, which reads the flag then.
 *
 * Why: by default V8 recompiles the functions PostgreSQL runs most with its optimizing compiler,
 * TurboFan, on background threads. PostgreSQL's functions are large (its expression interpreter,
 * its parser), and TurboFan takes up to 25 MB of working memory per function; starting the
 * database and answering a few requests recompiles enough of them (about 330 MB allocated and
 * freed, 2 s of CPU) that each of V8's worker threads leaves a glibc malloc arena of 10 to 25 MB
 * behind. glibc keeps freed memory in those arenas for the life of the process (only
 * malloc_trim, which JavaScript cannot call, gives it back), so an idle server held 45 to 80 MB
 * of RSS that nothing used. Liftoff compiles each function once, in one pass and small memory:
 * the idle server goes from 200–240 MB to about 160 MB, and its peak from about 250 MB to 166 MB.
 *
 * The price is speed where the database itself works: queries run in baseline code. keyward
 * reads keys through the verification cache and writes usage in batches, so with the cache on a
 * request rarely reaches the database; a deployment whose load does (cache off, many writes)
 * wants a PostgreSQL server, or can start `node --no-liftoff-only dist/main.js` to have the
 * optimizing compiler back (and its memory). The flag is process-wide, so the reference server
 * sets it, being the owner of its process; `@keyward/store-postgres`, a library inside someone
 * else's process, does not.
 */
export function useBaselineWasmCompiler(execArgv: readonly string[] = process.execArgv): boolean {
  if (operatorChoseWasmTiering(execArgv)) return false;
  setFlagsFromString('--liftoff-only');
  return true;
}
