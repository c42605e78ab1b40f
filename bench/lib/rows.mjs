// One row of the results table: a keyward figure, its baseline measured in the same run, the
// ratio between them and the target that ratio must meet.
import { fmt } from './stats.mjs';

/**
 * `ratio` is keyward ÷ baseline for rates (higher is better) and baseline ÷ keyward for costs,
 * so that a ratio at or above `min` always passes. `max` instead bounds a plain number (a
 * latency in ms). Rows without a target are reported, not judged.
 */
export function row({ group, scenario, keyward, baseline, unit, ratio, min, max, notes = '' }) {
  const value = ratio ?? keyward;
  const target = min !== undefined ? `≥ ${min}` : max !== undefined ? `< ${max}` : '';
  const pass = min !== undefined ? value >= min : max !== undefined ? value < max : null;
  return { group, scenario, keyward, baseline, unit, ratio: ratio ?? null, target, pass, notes };
}

export function toMarkdown(rows) {
  const lines = [
    '| group | scenario | keyward | baseline | unit | ratio | target | result | notes |',
    '| --- | --- | ---: | ---: | --- | ---: | --- | --- | --- |',
  ];
  for (const r of rows) {
    const result = r.pass === null ? '' : r.pass ? 'pass' : '**FAIL**';
    lines.push(
      `| ${r.group} | ${r.scenario} | ${fmt(r.keyward)} | ${r.baseline === null ? '' : fmt(r.baseline)} | ${r.unit} | ${r.ratio === null ? '' : fmt(r.ratio)} | ${r.target} | ${result} | ${r.notes} |`,
    );
  }
  return lines.join('\n');
}

export function toText(rows) {
  const head = ['scenario', 'keyward', 'baseline', 'unit', 'ratio', 'target', 'result'];
  const body = rows.map((r) => [
    `${r.group}: ${r.scenario}`,
    fmt(r.keyward),
    r.baseline === null ? '' : fmt(r.baseline),
    r.unit,
    r.ratio === null ? '' : fmt(r.ratio),
    r.target,
    r.pass === null ? '' : r.pass ? 'pass' : 'FAIL',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}
