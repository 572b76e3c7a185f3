/**
 * Every benchmark, one table: each figure next to its baseline measured in the same run, the
 * ratio and the goal. Writes bench/RESULTS.md (machine, date, command, table). Never fails on a
 * timing; `--quick` runs a few samples of each so the normal test run keeps them working, and
 * does not write RESULTS.md.
 *   npm run bench            the full run (about 3 minutes)
 *   npm run bench -- --quick
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { editorBench } from './editor.bench';
import { lintBench } from './lint.bench';
import { machine, QUICK, type Row, table } from './lib';
import { sandboxBench } from './sandbox.bench';
import { startupBench } from './startup.bench';
import { verifyBench } from './verify.bench';

const suites: [string, () => Promise<Row[]>][] = [
  ['lint', lintBench],
  ['verify', verifyBench],
  ['sandbox', sandboxBench],
  ['startup', startupBench],
  ['editor', editorBench],
];

async function main(): Promise<void> {
  const only = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  const rows: Row[] = [];
  for (const [name, suite] of suites) {
    if (only.length && !only.includes(name)) continue;
    const started = performance.now();
    process.stderr.write(`bench: ${name}…`);
    rows.push(...(await suite()));
    process.stderr.write(` ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }

  const text = table(rows);
  console.log(text);
  const missed = rows.filter((row) => row.met === false).length;
  console.log(`\n${rows.length} figures, ${missed} goal${missed === 1 ? '' : 's'} missed${QUICK ? ' (quick mode: figures are rough)' : ''}`);
  if (!QUICK && !only.length) {
    const results = [
      '# Benchmark results',
      '',
      `- Machine: ${machine()}`,
      `- Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      '- Command: `npm run bench` (medians; each baseline measured in the same run; ratios are figure ÷ baseline)',
      '',
      text,
      '',
    ].join('\n');
    writeFileSync(join(import.meta.dirname, 'RESULTS.md'), results);
    console.log('wrote bench/RESULTS.md');
  }
}

void main();
