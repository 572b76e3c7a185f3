// Bundles the extension, its lazily loaded chunks, the inspector's webview script and the `agbac` CLI.
//   node esbuild.mjs               development build (source maps)
//   node esbuild.mjs --production  minified, no source maps (what `npm run package` ships)
//   node esbuild.mjs --watch       rebuild on change (problem matcher friendly output)
//
// The extension is one file, dist/extension.js. What it needs only for some commands is loaded on
// first use: its own modules for Okta management and the sandbox are wrapped by esbuild into
// functions that run on the first `import()`, and the two large libraries behind them live in
// chunks of their own that are `require`d then:
//   dist/okta-sdk.js   @okta/okta-sdk-nodejs (the Management API; about 4.5 MB minified)
//   dist/x509.js       @peculiar/x509 and reflect-metadata (only the sandbox's HTTPS mode)
// So the .vsix needs no node_modules, and activation reads neither chunk.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints esbuild's problems in the `esbuild-problem-matcher` format VS Code tasks understand. */
const problemMatcherPlugin = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of [...result.errors, ...result.warnings]) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

/** Libraries the extension loads from a chunk next to it instead of bundling them. */
const CHUNKS = {
  '@okta/okta-sdk-nodejs': './okta-sdk.js',
  '@peculiar/x509': './x509.js',
  'reflect-metadata': './x509.js',
};

/** Points the chunked libraries at their chunk files (resolved at run time, next to extension.js). */
const chunksPlugin = {
  name: 'chunks',
  setup(build) {
    const filter = new RegExp(`^(${Object.keys(CHUNKS).map((name) => name.replace(/[/.@-]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, (args) => ({ path: CHUNKS[args.path], external: true }));
  },
};

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // jsonc-parser's UMD build hides its requires from the bundler; its ESM build bundles cleanly.
  mainFields: ['module', 'main'],
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: watch ? 'silent' : 'warning',
  plugins: watch ? [problemMatcherPlugin] : [],
};

// Chunks are named by content hash: clear the old ones so dist/ does not grow with every build.
rmSync('dist/cli', { recursive: true, force: true });

/** A third-party chunk: always minified, without source maps (nobody debugs into them here). */
const chunk = (outfile, contents) => ({
  ...common,
  stdin: { contents, resolveDir: import.meta.dirname, loader: 'js' },
  outfile,
  minify: true,
  sourcemap: false,
  // The SDK's dependencies carry `module` builds that refer to browser globals; the Node builds are right here.
  mainFields: ['main', 'module'],
});

const builds = [
  {
    ...common,
    entryPoints: ['src/vscode/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
    // `import()` becomes a `require` inside a promise: the chunks are CommonJS, and their exports
    // then arrive whole (a real dynamic import would see only what Node can detect statically).
    supported: { 'dynamic-import': false },
    plugins: [...common.plugins, chunksPlugin],
  },
  chunk('dist/okta-sdk.js', "module.exports = require('@okta/okta-sdk-nodejs');"),
  chunk('dist/x509.js', "require('reflect-metadata'); module.exports = require('@peculiar/x509');"),
  {
    ...common,
    entryPoints: ['src/vscode/webview/inspector.ts'],
    outfile: 'dist/webview/inspector.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
  {
    ...common,
    // The CLI as ES modules with code splitting: each command's code is a chunk loaded when the
    // command runs, so `agbac --help` compiles a few kilobytes instead of the whole toolkit.
    entryPoints: { agbac: 'src/cli.ts' },
    outdir: 'dist/cli',
    outExtension: { '.js': '.mjs' },
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    // Bundled CommonJS dependencies call require() for Node's modules.
    banner: { js: "import { createRequire as __agbacCreateRequire } from 'node:module'; const require = __agbacCreateRequire(import.meta.url);" },
    // The Okta SDK (large, with many dependencies) stays in node_modules and loads only for the
    // commands that talk to the Management API.
    external: ['@okta/okta-sdk-nodejs'],
  },
];

/** `dist/cli.js`, the executable: starts the ES module build (a CommonJS file, so `bin` needs no package type). */
const launcher = `#!/usr/bin/env node
'use strict';
import(require('node:path').join(__dirname, 'cli', 'agbac.mjs')).catch((error) => {
  process.stderr.write(\`agbac: cannot start: \${error && error.message}\\n\`);
  process.exitCode = 1;
});
`;

if (watch) {
  const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
mkdirSync('dist', { recursive: true });
writeFileSync('dist/cli.js', launcher, { mode: 0o755 });
