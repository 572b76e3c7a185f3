// The project's whole test run: build, type checks, lint, unit tests on Node, the extension's
// suite inside a real VS Code (code-server), the packaged .vsix installed there and smoke tested,
// and the benchmarks in quick mode (run, never judged). Ends with one plain line: "N passed, N failed".
//   node scripts/test.mjs            everything
//   node scripts/test.mjs --unit     build, checks and unit tests only
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const unitOnly = process.argv.includes('--unit');
const totals = { passed: 0, failed: 0 };
const problems = [];

/** Runs a command with inherited output; resolves to its exit code. */
function run(command, args, options = {}) {
  return new Promise((resolve) => {
    console.log(`\n$ ${[command, ...args].join(' ')}`);
    const child = spawn(command, args, { cwd: root, stdio: options.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit' });
    let output = '';
    child.stdout?.on('data', (chunk) => {
      process.stdout.write(chunk);
      output += chunk.toString();
    });
    child.on('error', (error) => {
      console.error(error.message);
      resolve({ code: 1, output });
    });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

function testFiles(folder) {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { recursive: true })
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => relative(root, join(folder, name)))
    .sort();
}

async function step(name, command, args) {
  const { code } = await run(command, args);
  if (code !== 0) problems.push(`${name} failed (exit ${code})`);
}

await step('build', process.execPath, ['esbuild.mjs']);
await step('type check', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']);
await step('core purity check', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.core.json']);
await step('webview type check', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'src/vscode/webview']);
await step('lint', process.execPath, ['node_modules/eslint/bin/eslint.js', '.']);

mkdirSync(join(root, 'out'), { recursive: true });
const tap = join(root, 'out', 'unit.tap');
const unit = await run(process.execPath, [
  '--import', 'tsx', '--test',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tap}`,
  ...testFiles(join(root, 'test', 'unit')),
]);
const tapText = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
/** The last `# pass N` (or fail, cancelled) line of the TAP summary. */
const count = (name) => Number([...tapText.matchAll(new RegExp(`^# ${name} (\\d+)$`, 'gm'))].at(-1)?.[1] ?? 0);
totals.passed += count('pass');
totals.failed += count('fail') + count('cancelled');
if (unit.code !== 0 && count('fail') + count('cancelled') === 0) problems.push(`unit tests exited ${unit.code}`);
console.log(`\nunit: ${count('pass')} passed, ${count('fail') + count('cancelled')} failed`);

if (!unitOnly) {
  const vscode = await run(process.execPath, ['--import', 'tsx', 'test/vscode/run.ts'], { capture: true });
  const match = [...vscode.output.matchAll(/^vscode: (\d+) passed, (\d+) failed$/gm)].at(-1);
  if (match) {
    totals.passed += Number(match[1]);
    totals.failed += Number(match[2]);
  }
  if (!match || (vscode.code !== 0 && Number(match[2]) === 0)) problems.push(`the VS Code suite did not complete (exit ${vscode.code})`);

  // The Playwright step: the README's picture, which also checks that squiggles, the Problems
  // panel and a hover really render in the workbench.
  const picture = await run(process.execPath, ['--import', 'tsx', 'test/vscode/screenshot.ts', 'out/screenshots/diagnostics-hover.png']);
  if (picture.code === 0) totals.passed += 1;
  else totals.failed += 1;
  console.log(`screenshot: ${picture.code === 0 ? '1 passed, 0 failed' : '0 passed, 1 failed'}`);

  // Last, as users get it: `npm run package` (a production build into dist/), a look inside the
  // .vsix, and the smoke suite against the copy code-server installed from it.
  const vsix = await run(process.execPath, ['--import', 'tsx', 'test/vscode/vsix.ts'], { capture: true });
  const vsixCount = [...vsix.output.matchAll(/^vsix: (\d+) passed, (\d+) failed$/gm)].at(-1);
  if (vsixCount) {
    totals.passed += Number(vsixCount[1]);
    totals.failed += Number(vsixCount[2]);
  }
  if (!vsixCount || (vsix.code !== 0 && Number(vsixCount[2]) === 0)) problems.push(`the .vsix smoke test did not complete (exit ${vsix.code})`);
}

// The benchmarks in their quick mode, so that they keep working. Not tests: their figures are
// printed, never judged; only a benchmark that cannot run is a problem.
await step('benchmarks (quick mode)', process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick']);

for (const problem of problems) console.error(`✗ ${problem}`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed`);
process.exitCode = totals.failed > 0 || problems.length > 0 ? 1 : 0;
