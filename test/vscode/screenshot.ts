// Takes the README's picture with the same harness as the suite: a payload file with its AGBAC
// diagnostics and a hover open, in code-server's workbench, by Playwright (headless Chromium).
//
//   node esbuild.mjs && node --import tsx test/vscode/screenshot.ts [out.png]
//
// Default output: out/screenshots/diagnostics-hover.png. Exits 1 when the squiggles or the hover
// never appear (so the run doubles as a check that they render).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runTests, TestRunFailedError } from '@vscode/test-electron';
import { build } from 'esbuild';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const output = resolve(process.argv[2] ?? join(repoRoot, 'out', 'screenshots', 'diagnostics-hover.png'));

async function main(): Promise<number> {
  const install = spawnSync(process.execPath, [join(import.meta.dirname, 'install-tools.mjs')], { stdio: 'inherit' });
  if (install.status !== 0) return 2;
  await build({
    entryPoints: [join(repoRoot, 'test', 'screenshot', 'index.ts')],
    outfile: join(repoRoot, 'out', 'screenshot', 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    logLevel: 'warning',
  });
  rmSync(output, { force: true });
  rmSync(`${output}.failed`, { force: true });
  process.env.AGBAC_VSCODE_PICTURE = output;
  // The squiggle under the aud value, the Problems panel's rows, and the hover itself.
  process.env.AGBAC_VSCODE_PICTURE_WAIT = '.squiggly-error, .markers-panel .monaco-list-row, .monaco-hover .hover-contents';
  try {
    return await runTests({
      vscodeExecutablePath: join(import.meta.dirname, 'bridge', 'code'),
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: join(repoRoot, 'out', 'screenshot', 'index.js'),
      launchArgs: [join(repoRoot, 'test', 'fixtures', 'workspace'), '--disable-extensions'],
    });
  } catch (error) {
    if (error instanceof TestRunFailedError) return error.code ?? 1;
    throw error;
  }
}

main().then(
  (code) => {
    console.log(code === 0 ? `screenshot: ${output}` : `screenshot: failed (exit ${code})`);
    process.exit(code);
  },
  (error: unknown) => {
    console.error(`screenshot: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
