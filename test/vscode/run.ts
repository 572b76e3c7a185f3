// Runs the extension's integration suite (test/integration) inside a real VS Code extension host:
// code-server's, through the desktop stand-in test/vscode/bridge/code, driven by the standard
// `@vscode/test-electron` runTests() API (test/vscode/suite.ts).
//
//   node esbuild.mjs && node --import tsx test/vscode/run.ts
//
// Its last line is always `vscode: N passed, N failed`; the exit code is the suite's (0 or 1),
// or the bridge's 2 when the harness itself failed (then the counts are 0, 0: the suite never
// reported). See test/vscode/bridge/bridge.mjs for the environment variables it honours.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildSuite, fixtureWorkspace, HARNESS_FAILURE, installTools, repoRoot, runSuite } from './suite';

async function main(): Promise<number> {
  if (!existsSync(join(repoRoot, 'dist', 'extension.js'))) {
    throw new Error('dist/extension.js is missing: run `node esbuild.mjs` first');
  }
  installTools();
  const extensionTestsPath = await buildSuite(join(repoRoot, 'test', 'integration'), join(repoRoot, 'out', 'integration'));
  const { code, count } = await runSuite({
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath,
    launchArgs: [fixtureWorkspace, '--disable-extensions'],
  });
  if (!count) console.error('vscode: the suite reported no count (harness failure, see above)');
  console.log(`vscode: ${count?.passed ?? 0} passed, ${count?.failed ?? 0} failed`);
  return code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`vscode: error: ${error instanceof Error ? error.message : String(error)}`);
    console.log('vscode: 0 passed, 0 failed');
    process.exit(HARNESS_FAILURE);
  },
);
