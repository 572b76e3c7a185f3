// Packages the extension as users get it and tests that package: `npm run package` (a production
// build and `vsce package`), then a look inside the .vsix (what it must hold, what it must not),
// then the smoke suite (test/vscode/smoke) in code-server with that .vsix installed through
// --install-extension, so the copy under test is the installed one, not the repository.
//
//   node --import tsx test/vscode/vsix.ts
//
// Prints the package's size and file count, and ends with `vsix: N passed, N failed` (the package
// checks count as one test). Leaves dist/ with the production build.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import yauzl from 'yauzl';
import { buildSuite, fixtureWorkspace, HARNESS_FAILURE, installTools, repoRoot, runSuite } from './suite';

const VSIX = join(repoRoot, 'agbac-toolkit.vsix');

/** What the extension needs at run time: the bundles, their chunks, the inspector, media. */
const REQUIRED = [
  'extension/package.json',
  'extension/readme.md',
  'extension/changelog.md',
  'extension/LICENSE.txt',
  'extension/dist/extension.js',
  'extension/dist/core.js',
  'extension/dist/oauth.js',
  'extension/dist/okta.js',
  'extension/dist/sandbox.js',
  'extension/dist/policy-text.js',
  'extension/dist/jose.js',
  'extension/dist/jsonc.js',
  'extension/dist/okta-sdk.js',
  'extension/dist/x509.js',
  'extension/dist/webview/inspector.js',
  'extension/media/icon.png',
  'extension/media/agbac.svg',
  'extension/media/inspector.css',
  'extension/media/schemas/payload.schema.json',
  'extension/media/schemas/delegation-policy.schema.json',
];

/** Sources, tests, tools and development files never ship. */
const FORBIDDEN: [RegExp, string][] = [
  [/^extension\/(src|test|bench|scripts|examples|docs|out|typings|node_modules|\.cache|\.vscode|\.ci)\//, 'a development folder'],
  [/\.(ts|map|mjs)$/, 'a source, source map or build script'],
  [/^extension\/dist\/cli\.js$/, 'the CLI'],
  [/^extension\/(tsconfig.*|eslint\.config\.mjs|esbuild\.mjs|package-lock\.json|\.vscodeignore|\.gitignore)$/, 'a configuration file'],
  [/^extension\/media\/screenshots\//, "the README's screenshots"],
];

function entriesOf(path: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const names: string[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** The package's problems, one line each (none when it is right). */
function packageProblems(entries: readonly string[]): string[] {
  const problems = REQUIRED.filter((name) => !entries.includes(name)).map((name) => `missing ${name}`);
  for (const entry of entries) {
    const reason = FORBIDDEN.find(([pattern]) => pattern.test(entry))?.[1];
    if (reason) problems.push(`${entry} is ${reason}`);
  }
  return problems;
}

async function main(): Promise<number> {
  const packaged = spawnSync('npm', ['run', 'package'], { cwd: repoRoot, stdio: 'inherit' });
  if (packaged.status !== 0) {
    console.error(`vsix: npm run package failed (${packaged.status ?? packaged.signal})`);
    console.log('vsix: 0 passed, 1 failed');
    return 1;
  }
  const entries = await entriesOf(VSIX);
  const bytes = statSync(VSIX).size;
  console.log(`vsix: ${VSIX} is ${(bytes / 1024 / 1024).toFixed(2)} MB (${bytes} bytes), ${entries.filter((name) => !name.endsWith('/')).length} files`);
  const problems = packageProblems(entries);
  for (const problem of problems) console.error(`vsix: ${problem}`);

  installTools();
  const extensionTestsPath = await buildSuite(join(repoRoot, 'test', 'vscode', 'smoke'), join(repoRoot, 'out', 'smoke'));
  // The bridge installs the package into the run's extensions folder before code-server starts.
  process.env.AGBAC_VSCODE_INSTALL_VSIX = VSIX;
  const { code, count } = await runSuite({
    // An empty extension: runTests() needs a development path, and the repository must not be it.
    extensionDevelopmentPath: join(repoRoot, 'test', 'vscode', 'smoke', 'host'),
    extensionTestsPath,
    launchArgs: [fixtureWorkspace],
  });
  if (!count) console.error('vsix: the smoke suite reported no count (harness failure, see above)');
  const passed = (count?.passed ?? 0) + (problems.length === 0 ? 1 : 0);
  const failed = (count?.failed ?? 0) + (problems.length === 0 ? 0 : 1);
  console.log(`vsix: ${passed} passed, ${failed} failed`);
  return problems.length === 0 ? code : code || 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`vsix: error: ${error instanceof Error ? error.message : String(error)}`);
    console.log('vsix: 0 passed, 0 failed');
    process.exit(HARNESS_FAILURE);
  },
);
