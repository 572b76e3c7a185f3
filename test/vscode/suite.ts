// Building and running a mocha suite inside code-server's extension host, through the desktop
// stand-in test/vscode/bridge/code and the standard `@vscode/test-electron` runTests() API.
// test/vscode/run.ts runs the integration suite against the development copy; test/vscode/vsix.ts
// runs the smoke suite against the installed .vsix.
//
//   node --import tsx test/vscode/suite.ts     only builds test/integration into out/integration
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { runTests, TestRunFailedError } from '@vscode/test-electron';
import { build } from 'esbuild';

export const repoRoot = resolve(import.meta.dirname, '..', '..');
export const fixtureWorkspace = join(repoRoot, 'test', 'fixtures', 'workspace');
export const HARNESS_FAILURE = 2;
const MOCHA_ENTRY = join(repoRoot, 'test', 'integration', 'index.ts');
const BRIDGE = join(import.meta.dirname, 'bridge', 'code');

export interface Count {
  passed: number;
  failed: number;
}

/** Installs code-server, Node 24 and chromium when missing (a few seconds when all are there). */
export function installTools(): void {
  const result = spawnSync(process.execPath, [join(import.meta.dirname, 'install-tools.mjs')], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('installing the VS Code test tools failed (see above)');
}

/**
 * Bundles a suite: the mocha entry (test/integration/index.ts, which runs every *.test.js next to
 * it) and each *.test.ts of `source` as its own file. `vscode` is the extension host's own module;
 * mocha stays a plain require, resolved from the repo's node_modules (the extension host runs on
 * this machine). Resolves with the entry to pass as extensionTestsPath.
 */
export async function buildSuite(source: string, outdir: string): Promise<string> {
  const tests = readdirSync(source, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => ({ in: join(source, name), out: relative(source, join(source, name)).replace(/\.ts$/, '') }));
  // A removed test's old bundle must not run again.
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: [{ in: MOCHA_ENTRY, out: basename(MOCHA_ENTRY, '.ts') }, ...tests],
    outdir,
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
  return join(outdir, 'index.js');
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

export interface SuiteRun {
  readonly extensionDevelopmentPath: string;
  readonly extensionTestsPath: string;
  readonly launchArgs: string[];
}

/**
 * Runs a built suite through the bridge. Resolves with the exit code (0 only when the suite
 * reported a count without failures) and the count, undefined when the suite never reported.
 */
export async function runSuite(options: SuiteRun): Promise<{ code: number; count: Count | undefined }> {
  const watcher = watchForSuiteCount();
  let code: number;
  try {
    code = await runTests({ vscodeExecutablePath: BRIDGE, ...options });
  } catch (error) {
    if (!(error instanceof TestRunFailedError)) throw error;
    code = error.code ?? HARNESS_FAILURE;
  } finally {
    watcher.stop();
  }
  const count = watcher.count();
  // A suite that reported failures must not pass, whatever the exit code said.
  return { code: code === 0 && count && count.failed === 0 ? 0 : code || 1, count };
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  buildSuite(join(repoRoot, 'test', 'integration'), join(repoRoot, 'out', 'integration')).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
