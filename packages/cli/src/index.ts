// The public surface of @keyward/cli: the command's entry point, for embedding and tests.
export { completionCommand } from './commands/completion.js';
export { type ConfigOptions, configCommand } from './commands/config.js';
export { generateCommand } from './commands/generate.js';
export { hashCommand } from './commands/hash.js';
export { type KeysOptions, keysCommand } from './commands/keys.js';
export { type PortalOptions, portalCommand } from './commands/portal.js';
export { type WebhooksOptions, webhooksCommand } from './commands/webhooks.js';
export { type CliIo, type CliTerminal, UsageError } from './io.js';
export { nodeIo } from './node-io.js';
export { runCli, USAGE } from './run-cli.js';
