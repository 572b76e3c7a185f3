// Bundles the extension and the `agbac` CLI.
//   node esbuild.mjs               development build (source maps)
//   node esbuild.mjs --production  minified, no source maps
//   node esbuild.mjs --watch       rebuild on change (problem matcher friendly output)
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

const builds = [
  { ...common, entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', '@okta/okta-sdk-nodejs'] },
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
