// pnpm bench [--smoke] [--only core,http,server,client,revocation,scale]
//
// Every scenario measures keyward side by side with its baseline in one run, in interleaved
// rounds, and reports ratios: the machines are small and shared, so absolute numbers move and
// ratios hold. Prints one table and writes it as JSON and Markdown under bench/results/.
// --smoke runs each scenario for about a second, to keep the scripts working (CI runs it);
// its numbers mean nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';

const SCENARIOS = ['core', 'http', 'server', 'client', 'revocation', 'scale'];

const { values } = parseArgs({
  options: { smoke: { type: 'boolean', default: false }, only: { type: 'string' } },
  strict: true,
});
const only = values.only ? values.only.split(',') : SCENARIOS;
const unknown = only.filter((name) => !SCENARIOS.includes(name));
if (unknown.length > 0) {
  console.error(`pnpm bench: unknown scenario ${unknown.join(', ')}; choose from ${SCENARIOS.join(', ')}`);
  process.exit(2);
}
const smoke = values.smoke;
const settings = smoke
  ? { smoke, rounds: 1, seconds: 1, ops: 2_000, revocations: 10, scaleSizes: [10, 10_000], pgRows: 10_000 }
  : {
      smoke,
      // Many short rounds rather than a few long ones: on a shared machine drift between rounds
      // is the larger error. Ratios are taken within each round (see pairedRatio), and their
      // median over the rounds is what the table reports.
      rounds: 9,
      seconds: 2,
      ops: 100_000,
      revocations: 200,
      scaleSizes: [10, 10_000, 1_000_000],
      pgRows: 1_000_000,
    };
const log = (line) => console.log(line);

const rows = [];
const failures = [];
for (const name of only) {
  log(`${name}…`);
  const scenario = await import(`./scenarios/${name}.mjs`);
  try {
    rows.push(...(await scenario.run({ ...settings, log })));
  } catch (err) {
    failures.push(`${name}: ${err.stack ?? err}`);
    console.error(`${name} failed: ${err.stack ?? err}`);
  }
}

const { toMarkdown, toText } = await import('./lib/rows.mjs');
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
console.log(`\n${toText(rows)}\n\n${machine}${smoke ? ' (smoke: the numbers mean nothing)' : ''}`);
const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
const base = smoke ? 'smoke' : 'latest';
const when = new Date().toISOString();
writeFileSync(
  new URL(`${base}.json`, dir),
  `${JSON.stringify({ when, machine, settings, rows, failures }, null, 2)}\n`,
);
writeFileSync(
  new URL(`${base}.md`, dir),
  `# pnpm bench${smoke ? ' --smoke' : ''}, ${when}\n\n${machine}\n\n${toMarkdown(rows)}\n`,
);
// Smoke checks that every scenario runs; a full run also fails when a target is missed.
const missed = smoke ? [] : rows.filter((r) => r.pass === false);
if (failures.length > 0 || missed.length > 0) {
  if (missed.length > 0) console.error(`targets missed: ${missed.map((r) => r.scenario).join('; ')}`);
  process.exit(1);
}
