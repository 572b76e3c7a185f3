// Bundles the extension, its lazily loaded parts, the inspector's webview script and the `agbac` CLI.
//   node esbuild.mjs               development build (source maps)
//   node esbuild.mjs --production  minified, no source maps (what `npm run package` ships)
//   node esbuild.mjs --watch       rebuild on change (problem matcher friendly output)
//
// The extension is one CommonJS file per layer, so that activation compiles and runs only what it
// uses, and every layer exists once (one AgbacError class, whoever throws it):
//   dist/extension.js  the editor (src/vscode); loaded at activation
//   dist/core.js       src/core; loaded at activation (connections, diagnostics)
//   dist/oauth.js      the OAuth client; loaded by the first token request or verification
//   dist/okta.js       Okta management (the editor's entries: look-ups, doctor, provisioning,
//                      advice); loaded on first use
//   dist/sandbox.js    the embedded sandbox; loaded when it starts
//   dist/policy-text.js  core/policy-text with yaml: reads delegation policy files; loaded when
//                      a YAML policy is first opened (the core's other parts need no YAML)
//   dist/jose.js, dist/jsonc.js   jose and jsonc-parser, shared by the layers; each loaded the
//                      first time a layer uses it (a token handled, a payload file linted)
//   dist/okta-sdk.js   @okta/okta-sdk-nodejs (about 4.5 MB minified), required by okta.js on first use
//   dist/x509.js       @peculiar/x509 and reflect-metadata, for the sandbox's HTTPS mode only
// So the .vsix needs no node_modules, and activation reads neither chunk.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
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
  // Shared by several layers: one copy, so that their classes (jose's errors) are one class each.
  jose: './jose.js',
  'jsonc-parser': './jsonc.js',
  '@okta/okta-sdk-nodejs': './okta-sdk.js',
  '@peculiar/x509': './x509.js',
  'reflect-metadata': './x509.js',
};

/**
 * Libraries whose chunk loads at its first use rather than when the layer that imports them loads:
 * activation needs neither jose nor jsonc-parser until a token is handled or a payload file is open.
 */
const LAZY_CHUNKS = new Set(['jose', 'jsonc-parser']);

/**
 * Points the chunked libraries at their chunk files (resolved at run time, next to extension.js).
 * A lazy one is a small module of getters, one per export src/ imports, that requires the chunk
 * the first time any of them is read (a layer reads them at call time: `import_jose.compactVerify`).
 */
const chunksPlugin = {
  name: 'chunks',
  setup(build) {
    const filter = new RegExp(`^(${Object.keys(CHUNKS).map((name) => name.replace(/[/.@-]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, (args) =>
      LAZY_CHUNKS.has(args.path) && args.namespace !== 'lazy-chunk' ? { path: args.path, namespace: 'lazy-chunk' } : { path: CHUNKS[args.path], external: true },
    );
    build.onResolve({ filter: /^chunk-file:/ }, (args) => ({ path: args.path.slice('chunk-file:'.length), external: true }));
    build.onLoad({ filter: /.*/, namespace: 'lazy-chunk' }, (args) => ({
      loader: 'js',
      contents: [
        'let chunk;',
        `const load = () => (chunk ??= require(${JSON.stringify(`chunk-file:${CHUNKS[args.path]}`)}));`,
        `module.exports = { ${exportedNames(args.path).map((name) => `get ${name}() { return load().${name}; }`).join(', ')} };`,
      ].join('\n'),
    }));
  },
};

/** core/policy-text, bundled apart from the core so that activation does not load the YAML parser. */
const POLICY_TEXT = /[\\/]src[\\/]core[\\/]policy-text(?:\.ts)?$/;

/**
 * Keeps each layer of src/ in its own file: an import that leaves the layer being built for
 * another one becomes a `require` of that layer's bundle, next to it in dist/.
 */
const layersPlugin = (own) => ({
  name: 'layers',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = resolve(args.resolveDir, args.path);
      const targetLayer = POLICY_TEXT.test(target) ? 'policy-text' : /[\\/]src[\\/](core|oauth|okta|sandbox|hook)(?:[\\/]|$)/.exec(target)?.[1];
      if (!targetLayer || targetLayer === own || !target.startsWith(resolve('src') + sep)) return undefined;
      return { path: `./${targetLayer}.js`, external: true };
    });
  },
});

/**
 * One copy of the \`vscode\` module's namespace for the whole bundle: every \`import * as vscode\`
 * reads the same re-export, instead of esbuild copying the API's hundreds of members once per
 * importing module at activation.
 */
const vscodeOncePlugin = {
  name: 'vscode-once',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) =>
      args.namespace === 'vscode-once' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'vscode-once' },
    );
    build.onLoad({ filter: /.*/, namespace: 'vscode-once' }, () => ({ contents: "export * from 'vscode';", loader: 'js' }));
  },
};

/** One layer's bundle for the extension (CommonJS; `import()` becomes a `require` inside a promise). */
const layer = (name, contents, outfile = `dist/${name}.js`) => ({
  ...common,
  stdin: { contents, resolveDir: import.meta.dirname, loader: 'ts', sourcefile: `${name}-layer.ts` },
  outfile,
  external: ['vscode'],
  // The chunks are CommonJS: with `require`, their exports arrive whole (a real dynamic import
  // would see only what Node can detect statically).
  supported: { 'dynamic-import': false },
  plugins: [...common.plugins, chunksPlugin, layersPlugin(name), vscodeOncePlugin],
});

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
const chunk = (outfile, contents, mainFields = ['main', 'module']) => ({
  ...common,
  stdin: { contents, resolveDir: import.meta.dirname, loader: 'js' },
  outfile,
  minify: true,
  sourcemap: false,
  // The SDK's dependencies carry `module` builds that refer to browser globals; the Node builds are right here.
  mainFields,
});

/** The names src/ imports from a library (`import { a, b as c } from 'library'`), types left out. */
function exportedNames(library) {
  const names = new Set();
  const imports = new RegExp(`import\\s*\\{([^}]*)\\}\\s*from\\s*'${library}'`, 'g');
  for (const file of readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts'))) {
    for (const [, list] of readFileSync(join('src', file), 'utf8').matchAll(imports)) {
      for (const item of list.split(',')) {
        const name = item.trim().replace(/^type\s.*$/, '').split(/\s+as\s+/)[0];
        if (name) names.add(name);
      }
    }
  }
  return [...names].sort();
}

/**
 * A chunk's module: the library's exports that src/ imports by name (so the chunk holds only what
 * is used, as if the library were bundled into each layer).
 */
function reexport(library) {
  return `export { ${exportedNames(library).join(', ')} } from '${library}';`;
}

const builds = [
  layer('vscode', "export * from './src/vscode/extension';", 'dist/extension.js'),
  layer('core', "export * from './src/core';"),
  layer('oauth', "export * from './src/oauth';"),
  layer('okta', "export * from './src/okta/lookup';\nexport * from './src/okta/advice';"),
  layer('sandbox', "export * from './src/sandbox';"),
  layer('policy-text', "export * from './src/core/policy-text';"),
  chunk('dist/jose.js', reexport('jose')),
  chunk('dist/jsonc.js', reexport('jsonc-parser'), common.mainFields),
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
