// Runs the extension's integration suite (test/integration) inside a real VS Code extension host:
// code-server's, through the desktop stand-in test/vscode/bridge/code, driven by the standard
// `@vscode/test-electron` runTests() API.
//
//   node esbuild.mjs && node --import tsx test/vscode/run.ts
//
// Its last line is always `vscode: N passed, N failed`; the exit code is the suite's (0 or 1),
// or the bridge's 2 when the harness itself failed (then the counts are 0, 0: the suite never
// reported). See test/vscode/bridge/bridge.mjs for the environment variables it honours.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runTests, TestRunFailedError } from '@vscode/test-electron';
import { build } from 'esbuild';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const suiteSource = join(repoRoot, 'test', 'integration');
const suiteOut = join(repoRoot, 'out', 'integration');
const bridge = join(import.meta.dirname, 'bridge', 'code');
const workspace = join(repoRoot, 'test', 'fixtures', 'workspace');
const HARNESS_FAILURE = 2;

interface Count {
  passed: number;
  failed: number;
}

/** Installs code-server, Node 24 and chromium when missing (a few seconds when all are there). */
function installTools(): void {
  const result = spawnSync(process.execPath, [join(import.meta.dirname, 'install-tools.mjs')], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('installing the VS Code test tools failed (see above)');
}

/**
 * Bundles the suite: index.ts (the mocha entry) and each *.test.ts as its own file, so that
 * index.js finds the tests by listing its folder. `vscode` is the extension host's own module;
 * mocha stays a plain require, resolved from the repo's node_modules (the extension host runs
 * on this machine).
 */
async function buildSuite(): Promise<void> {
  const tests = readdirSync(suiteSource, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => join(suiteSource, name));
  // A removed test's old bundle must not run again.
  rmSync(suiteOut, { recursive: true, force: true });
  await build({
    entryPoints: [join(suiteSource, 'index.ts'), ...tests],
    outbase: suiteSource,
    outdir: suiteOut,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode', 'mocha'],
    // jsonc-parser's UMD build hides its requires from the bundler; its ESM build bundles cleanly.
    mainFields: ['module', 'main'],
    sourcemap: true,
    sourcesContent: false,
    logLevel: 'warning',
  });
}

/**
 * Passes stdout through unchanged while remembering the suite's `vscode-suite: N passed, N failed`
 * line. runTests() writes the bridge's output straight to process.stdout, so that is where to look.
 */
function watchForSuiteCount(): { count: () => Count | undefined; stop: () => void } {
  const write = process.stdout.write.bind(process.stdout);
  let pending = '';
  let count: Count | undefined;
  process.stdout.write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    pending += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const match = /vscode-suite: (\d+) passed, (\d+) failed/.exec(line);
      if (match) count = { passed: Number(match[1]), failed: Number(match[2]) };
    }
    return write(chunk, ...(rest as [BufferEncoding, ((error?: Error | null) => void)?]));
  };
  return {
    count: () => count,
    stop: () => {
      process.stdout.write = write;
    },
  };
}

/** Runs the suite through the bridge; resolves with the exit code runTests() saw. */
async function runSuite(): Promise<number> {
  try {
    return await runTests({
      vscodeExecutablePath: bridge,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: join(suiteOut, 'index.js'),
      launchArgs: [workspace, '--disable-extensions'],
    });
  } catch (error) {
    if (error instanceof TestRunFailedError) return error.code ?? HARNESS_FAILURE;
    throw error;
  }
}

async function main(): Promise<number> {
  if (!existsSync(join(repoRoot, 'dist', 'extension.js'))) {
    throw new Error('dist/extension.js is missing: run `node esbuild.mjs` first');
  }
  installTools();
  await buildSuite();
  const watcher = watchForSuiteCount();
  let code: number;
  try {
    code = await runSuite();
  } finally {
    watcher.stop();
  }
  const count = watcher.count();
  if (!count) console.error('vscode: the suite reported no count (harness failure, see above)');
  console.log(`vscode: ${count?.passed ?? 0} passed, ${count?.failed ?? 0} failed`);
  // A suite that reported failures must not pass, whatever the exit code said.
  return code === 0 && count && count.failed === 0 ? 0 : code || 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`vscode: error: ${error instanceof Error ? error.message : String(error)}`);
    console.log('vscode: 0 passed, 0 failed');
    process.exit(HARNESS_FAILURE);
  },
);
