// The mocha entry that VS Code's extension host loads from `extensionTestsPath` (the built
// out/integration/index.js): it runs every `*.test.js` built next to it, so a new
// test/integration/**/*.test.ts file needs no list to be edited. run.ts builds each test file
// as its own bundle and starts the run (test/vscode/run.ts).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

/** The built test files under `folder`, in a stable order. */
function testFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.js'))
    .sort()
    .map((name) => join(folder, name));
}

/** Called by VS Code once the extension under test is loaded; rejects when any test fails. */
export function run(): Promise<void> {
  // Colours would reach the bridge's output as escape codes.
  // AGBAC_VSCODE_GREP runs only the tests whose titles match (while working on some of them).
  const grep = process.env.AGBAC_VSCODE_GREP;
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 30_000, ...(grep ? { grep } : {}) });
  const files = testFiles(__dirname);
  if (files.length === 0) return Promise.reject(new Error(`no *.test.js files next to ${__filename}`));
  for (const file of files) mocha.addFile(file);

  return new Promise((resolve, reject) => {
    const runner = mocha.run(() => {
      const { passes = 0, failures = 0 } = runner.stats ?? {};
      // test/vscode/run.ts reads this line (forwarded by the bridge) for its closing count.
      console.log(`vscode-suite: ${passes} passed, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} of the VS Code integration tests failed`));
      else resolve();
    });
  });
}
