#!/usr/bin/env node
import { nodeIo } from './node-io.js';
import { runCli } from './run-cli.js';

const io = nodeIo();
runCli(process.argv.slice(2), io).then(
  (code) => {
    // A reader that went away (`| head -1`) has set 141 already; that stands.
    if (!io.outputClosed()) process.exitCode = code;
  },
  (err: unknown) => {
    io.stderr(`keyward: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (!io.outputClosed()) process.exitCode = 1;
  },
);
