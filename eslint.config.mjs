// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Modules src/core may not import: the editor, and everything that reaches outside the process. */
const ioModules = [
  'vscode', 'fs', 'fs/promises', 'http', 'https', 'http2', 'net', 'tls', 'dgram', 'dns', 'child_process',
  'worker_threads', 'cluster', 'os', 'process', 'readline', 'path',
].flatMap((name) => [name, `node:${name}`]);

export default tseslint.config(
  { ignores: ['dist/', 'out/', '.cache/', '.vscode-test/', 'node_modules/', 'typings/', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', {
        // node:test's describe/it return promises the runner itself awaits.
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'before', 'after', 'beforeEach', 'afterEach', 'suite'] }],
      }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // Commands share an async signature; some have nothing to await.
      '@typescript-eslint/require-await': 'off',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // The pure core: no editor, no I/O, no clock, no randomness. Time, ids, keys and configuration are parameters.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ioModules.map((name) => ({ name, message: 'src/core is pure: no VS Code and no I/O.' })),
        patterns: [{ group: [...layerPatterns('oauth', 'okta', 'hook', 'sandbox', 'vscode', 'cli'), '@okta/*'], message: 'src/core imports only src/core and pure libraries.' }],
      }],
      'no-restricted-globals': ['error',
        ...['fetch', 'XMLHttpRequest', 'WebSocket', 'process', 'Buffer', 'require', 'setTimeout', 'setInterval', 'queueMicrotask',
          'crypto', 'localStorage', 'document', 'window', 'console', 'performance'].map((name) => ({ name, message: 'src/core is pure: pass it in.' })),
      ],
      'no-restricted-syntax': ['error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'src/core takes `now` as a parameter.' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'src/core takes `now` as a parameter.' },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'src/core takes randomness as a parameter.' },
        { selector: 'ImportExpression', message: 'src/core loads nothing at run time.' },
      ],
    },
  },
  layer('src/oauth/**/*.ts', 'The OAuth client is standards-only: it never reaches into Okta management, the sandbox or a face.',
    ['okta', 'hook', 'sandbox', 'vscode', 'cli'], { vscodeModule: true }),
  layer('src/okta/**/*.ts', 'Okta management builds on core and the OAuth client only.', ['hook', 'sandbox', 'vscode', 'cli'], { vscodeModule: true }),
  layer('src/hook/**/*.ts', 'The hook service builds on core, the OAuth client and Okta management only.', ['sandbox', 'vscode', 'cli'], { vscodeModule: true }),
  layer('src/sandbox/**/*.ts', 'The sandbox emulates Okta on its own: it never shares the client\'s assumptions or imports a face.',
    ['oauth', 'okta', 'hook', 'vscode', 'cli'], { vscodeModule: true }),
  layer(['src/cli/**/*.ts', 'src/cli.ts'], 'The CLI and the editor are two faces over the same layers: neither imports the other.', ['vscode'], { vscodeModule: true }),
  {
    // The editor: never the CLI; Okta management and the sandbox only through a lazy `import()`, so
    // activation loads neither (types are free).
    files: ['src/vscode/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          { group: layerPatterns('cli'), message: 'The editor and the CLI never import each other.' },
          { group: layerPatterns('okta', 'sandbox', 'hook'), allowTypeImports: true, message: 'Load Okta management, the hook and the sandbox with import() when a command needs them, not at activation.' },
        ],
      }],
    },
  },
  {
    // The editor's view models (tree rows, the inspector's model and messages, reports, curl,
    // redaction): no VS Code and no I/O, so plain Node tests them; nothing from the rest of the editor.
    files: ['src/vscode/model/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ioModules.map((name) => ({ name, message: 'src/vscode/model is pure: no VS Code and no I/O (it is tested on plain Node).' })),
        patterns: [{ regex: '^\\.\\./(?!\\.\\./)', message: 'src/vscode/model imports only itself, core and types: the editor builds on it, not the other way.' }],
      }],
    },
  },
  {
    // The inspector's page script runs in a browser frame: no VS Code module, no Node, no other
    // layer; only the message protocol (model/) and pure core helpers.
    files: ['src/vscode/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ioModules.map((name) => ({ name, message: 'The webview script runs in a browser frame: no VS Code module and no Node.' })),
        patterns: [
          { regex: '^node:', message: 'The webview script runs in a browser frame: no Node.' },
          { group: layerPatterns('oauth', 'okta', 'hook', 'sandbox', 'cli'), message: 'The webview script talks to the extension through messages only.' },
          { regex: '^\\.\\./(?!model/|\\.\\./core/)', message: 'The webview script imports only the message protocol (../model) and pure core helpers.' },
        ],
      }],
    },
  },
);

/** Import patterns that reach the named layers of src/ from anywhere in the tree. */
function layerPatterns(...layers) {
  return layers.flatMap((name) => [`**/${name}`, `**/${name}/**`, `./${name}`, `./${name}/**`]);
}

/** A layer that may not import the named layers (nor, with vscodeModule, the `vscode` module). */
function layer(files, message, forbidden, { vscodeModule }) {
  return {
    files: Array.isArray(files) ? files : [files],
    rules: {
      'no-restricted-imports': ['error', {
        ...(vscodeModule ? { paths: [{ name: 'vscode', message: 'Only src/vscode talks to VS Code.' }] } : {}),
        patterns: [{ group: layerPatterns(...forbidden), message }],
      }],
    },
  };
}
