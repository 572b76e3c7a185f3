// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Modules src/core may not import: the editor, and everything that reaches outside the process. */
const ioModules = [
  'vscode', 'fs', 'fs/promises', 'http', 'https', 'http2', 'net', 'tls', 'dgram', 'dns', 'child_process',
  'worker_threads', 'cluster', 'os', 'process', 'readline', 'path',
].flatMap((name) => [name, `node:${name}`]);

export default tseslint.config(
  { ignores: ['dist/', 'out/', '.cache/', '.vscode-test/', 'node_modules/', '**/*.js', '**/*.mjs'] },
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
    // The pure core: no editor, no I/O, no clock. Time, keys and configuration are parameters.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ioModules.map((name) => ({ name, message: 'src/core is pure: no VS Code and no I/O.' })),
        patterns: [{
          group: ['**/okta', '**/okta/**', '**/sandbox', '**/sandbox/**', '**/vscode/**', '**/cli', '@okta/*'],
          message: 'src/core imports only src/core and pure libraries.',
        }],
      }],
      'no-restricted-globals': ['error',
        ...['fetch', 'XMLHttpRequest', 'WebSocket', 'process', 'Buffer', 'require', 'setTimeout', 'setInterval',
          'localStorage', 'document', 'window', 'console'].map((name) => ({ name, message: 'src/core is pure: pass it in.' })),
      ],
      'no-restricted-syntax': ['error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'src/core takes `now` as a parameter.' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'src/core takes `now` as a parameter.' },
        { selector: "CallExpression[callee.object.name='performance']", message: 'src/core takes `now` as a parameter.' },
      ],
    },
  },
);
