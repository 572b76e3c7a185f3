// @ts-check
// The VS Code "executable" that test/vscode/bridge/code stands for. Desktop VS Code cannot be
// installed on these machines; code-server (VS Code 1.139 as a server, with a Node extension
// host) can. This module turns the desktop command line that `@vscode/test-electron` builds
// into a code-server run:
//
//   1. start code-server on a free loopback port, with throwaway HOME/XDG/user-data/extension
//      dirs, no telemetry, no gallery, no proxy that leads anywhere, and the smoke-test driver
//      enabled (without it the workbench ignores the test payload below and nothing happens);
//   2. open its workbench in headless Chromium (playwright-core, Debian's chromium), with
//      `?folder=<workspace>&payload=[["extensionDevelopmentPath", …], ["extensionTestsPath", …]]`
//      so the workbench runs the extension tests in code-server's extension host;
//   3. forward what the workbench hands `codeAutomationLog` (its log service, which carries the
//      extension host's console while tests run) and exit with what it hands `codeAutomationExit`.
//
// Exit codes: the suite's own (0 passed, 1 failed); 2 when the harness itself failed (missing
// tool, code-server died, timeout); 130/143 when interrupted.
//
// Environment:
//   AGBAC_VSCODE_TIMEOUT_MS         whole-run limit, default 600000 (10 minutes)
//   AGBAC_VSCODE_SCREENSHOT_DIR     save a PNG of the workbench (and the workbench's logs) there at the end
//   AGBAC_VSCODE_VERBOSE=1          also print code-server's output and the page's console
//   AGBAC_VSCODE_PICTURE=FILE.png   when the tests log "agbac-picture: ready", wait until every CSS
//                                   selector of AGBAC_VSCODE_PICTURE_WAIT (comma-separated) is
//                                   visible and save a PNG of the workbench as FILE (or FILE.failed
//                                   with the reason); the tests wait for either file, so the picture
//                                   is taken while the extension host is still alive
//   AGBAC_VSCODE_INSTALL_VSIX=FILE  install that .vsix into the run's extensions folder before
//                                   code-server starts (the installed copy is then what loads,
//                                   unless the same extension is also the development path)
//
// Page requests: a test in the extension host cannot see the workbench as a person does (rendered
// tree rows, notifications, webview content). It logs `agbac-page: {"id": …, "action": …}`, the
// bridge does it with Playwright and writes the answer to $AGBAC_VSCODE_PAGE_DIR/<id>.json, which
// the test polls (test/integration/page.ts). Actions: `query` (the text and chosen attributes of
// the elements a selector matches, in the page or in one extension's webview), `click`, `press`,
// `fill`, `drag-edge` (move an element's right edge: the side bar's width), and `screenshot` (of the page or one element, after the given selectors are visible).
// `open` loads a URL in another tab of the same browser (`page`: its name; a sign-in page, say);
// the other actions then act on that tab when given its name, and `close` closes it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { harnessPaths } from '../install-tools.mjs';

const HARNESS_FAILURE = 2;
const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;
const VERBOSE = process.env.AGBAC_VSCODE_VERBOSE === '1';

/** Chromium as root on a machine with no network: no sandbox, no GPU, no calls home. */
const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

/** Desktop flags whose value may follow as the next argument (`--flag value`). */
const FLAGS_WITH_VALUES = new Set([
  'extensionDevelopmentPath', 'extensionTestsPath', 'user-data-dir', 'extensions-dir', 'locale', 'log',
  'inspect-extensions', 'inspect-brk-extensions', 'sync', 'enable-proposed-api', 'profile',
]);

/**
 * Desktop flags with no code-server counterpart, dropped on purpose: the sandbox and GPU flags
 * concern Electron; updates, welcome pages and workspace trust are off in the code-server run
 * anyway; and the bridge gives code-server fresh profile dirs of its own instead of
 * test-electron's shared .vscode-test/ ones (a server profile is not a desktop profile).
 */
const FLAGS_DROPPED_QUIETLY = new Set([
  'no-sandbox', 'disable-gpu-sandbox', 'disable-gpu', 'disable-updates', 'skip-welcome', 'skip-release-notes',
  'disable-workspace-trust', 'user-data-dir', 'extensions-dir', 'new-window', 'wait',
]);

class HarnessError extends Error {
  /** @param {string} message @param {number} [exitCode] */
  constructor(message, exitCode = HARNESS_FAILURE) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** @param {string} line */
function note(line) {
  process.stderr.write(`[bridge] ${line}\n`);
}

/**
 * @typedef {{ extensionDevelopmentPaths: string[], extensionTestsPath: string, workspace: string | undefined,
 *   disableExtensions: boolean, ignored: string[] }} DesktopArgs
 */

/**
 * Reads the desktop command line: `--name=value`, `--name value` and positionals (the folder or
 * .code-workspace file to open). Relative paths resolve against the current directory, as in VS Code.
 * @param {string[]} argv
 * @returns {DesktopArgs}
 */
export function parseDesktopArgs(argv) {
  /** @type {Map<string, string[]>} */
  const flags = new Map();
  const positionals = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = /** @type {string} */ (argv[index]);
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const name = equals < 0 ? arg.slice(2) : arg.slice(2, equals);
    let value = equals < 0 ? '' : arg.slice(equals + 1);
    if (equals < 0 && FLAGS_WITH_VALUES.has(name) && index + 1 < argv.length) value = /** @type {string} */ (argv[++index]);
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  const extensionTestsPath = flags.get('extensionTestsPath')?.at(-1);
  if (!extensionTestsPath) throw new HarnessError('no --extensionTestsPath given: the bridge only runs extension tests');
  const handled = new Set(['extensionDevelopmentPath', 'extensionTestsPath', 'disable-extensions', ...FLAGS_DROPPED_QUIETLY]);
  return {
    extensionDevelopmentPaths: (flags.get('extensionDevelopmentPath') ?? []).map((path) => resolve(path)),
    extensionTestsPath: resolve(extensionTestsPath),
    workspace: positionals[0] === undefined ? undefined : resolve(positionals[0]),
    disableExtensions: flags.has('disable-extensions'),
    ignored: [...[...flags.keys()].filter((name) => !handled.has(name)).map((name) => `--${name}`), ...positionals.slice(1)],
  };
}

/**
 * Fails fast on paths that do not exist: the workbench would not complain, only never finish.
 * @param {DesktopArgs} desktop
 */
function checkPaths(desktop) {
  if (!existsSync(desktop.extensionTestsPath)) throw new HarnessError(`--extensionTestsPath ${desktop.extensionTestsPath} does not exist (is the suite built?)`);
  for (const path of desktop.extensionDevelopmentPaths) {
    if (!existsSync(join(path, 'package.json'))) throw new HarnessError(`--extensionDevelopmentPath ${path} has no package.json`);
  }
  if (desktop.workspace && !existsSync(desktop.workspace)) throw new HarnessError(`the workspace ${desktop.workspace} does not exist`);
}

/** Where the tools are; a one-line error naming the install command when one is missing. */
function locateTools() {
  const paths = harnessPaths();
  const missing = (/** @type {string} */ what) =>
    new HarnessError(`${what} is not installed: run \`node test/vscode/install-tools.mjs\` first`);
  if (!isFile(paths.nodeBin)) throw missing(`Node 24 (${paths.nodeBin})`);
  if (!isFile(paths.codeServerEntry)) throw missing(`code-server (${paths.codeServerEntry})`);
  const chromium = spawnSync('which', ['chromium'], { encoding: 'utf8' }).stdout?.trim();
  if (!chromium) throw missing('chromium (Debian package)');
  return { nodeBin: paths.nodeBin, codeServerEntry: paths.codeServerEntry, chromium };
}

/** @param {string} path */
function isFile(path) {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** A loopback port that was free a moment ago: for code-server, or as a dead end nobody listens on. */
function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Throwaway directories for one run, all under one temp root. */
function makeTempDirs() {
  const root = mkdtempSync(join(tmpdir(), 'agbac-vscode-'));
  const dirs = {
    root,
    home: join(root, 'home'),
    config: join(root, 'xdg-config'),
    data: join(root, 'xdg-data'),
    cache: join(root, 'xdg-cache'),
    state: join(root, 'xdg-state'),
    runtime: join(root, 'xdg-runtime'),
    tmp: join(root, 'tmp'),
    userData: join(root, 'code-server-user-data'),
    extensions: join(root, 'code-server-extensions'),
    chromiumProfile: join(root, 'chromium-profile'),
    page: join(root, 'page-requests'),
  };
  // 0700: XDG_RUNTIME_DIR must be private; the rest may as well be.
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dirs;
}

/** @typedef {ReturnType<typeof makeTempDirs>} TempDirs */

/**
 * User settings that keep the workbench and the server quiet and offline: every request that
 * would leave the machine goes to a loopback port nobody listens on, and fails at once.
 * @param {TempDirs} dirs @param {number} deadPort
 */
function writeUserSettings(dirs, deadPort) {
  const settings = {
    'telemetry.telemetryLevel': 'off',
    'http.proxy': `http://127.0.0.1:${deadPort}`,
    'http.proxySupport': 'override',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'workbench.enableExperiments': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'npm.fetchOnlinePackageInfo': false,
    'typescript.disableAutomaticTypeAcquisition': true,
    'git.autofetch': false,
    // The chat and agent features start at load and log about sign-ins there can never be here.
    'chat.disableAIFeatures': true,
  };
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(join(dirs.userData, 'User', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
}

/** The environment for code-server (and, through it, the extension host) and Chromium. @param {TempDirs} dirs */
function isolatedEnv(dirs) {
  /** @type {NodeJS.ProcessEnv} */
  const env = {
    ...process.env,
    HOME: dirs.home,
    XDG_CONFIG_HOME: dirs.config,
    XDG_DATA_HOME: dirs.data,
    XDG_CACHE_HOME: dirs.cache,
    XDG_STATE_HOME: dirs.state,
    // VS Code puts its IPC sockets (and the TypeScript server its files) in these: keep them in
    // the run's temp root, which is removed at the end, rather than in /tmp.
    XDG_RUNTIME_DIR: dirs.runtime,
    TMPDIR: dirs.tmp,
    // Where the answers to page requests go (see the top of this file).
    AGBAC_VSCODE_PAGE_DIR: dirs.page,
  };
  // A loader meant for the process that started us (tsx, say) has no business in Node 24's servers.
  delete env.NODE_OPTIONS;
  return env;
}

/** Keeps the last lines a child printed, to show when it fails. */
class Tail {
  /** @param {number} size */
  constructor(size) {
    this.size = size;
    /** @type {string[]} */
    this.lines = [];
  }

  /** @param {Buffer} chunk @param {NodeJS.WriteStream} echo */
  push(chunk, echo) {
    if (VERBOSE) echo.write(chunk);
    this.lines.push(...chunk.toString('utf8').split('\n').filter((line) => line.trim() !== ''));
    this.lines.splice(0, Math.max(0, this.lines.length - this.size));
  }

  toString() {
    return this.lines.map((line) => `  | ${line}`).join('\n');
  }
}

/**
 * Everything one run started, so that one cleanup stops it whatever way the run ends.
 */
class Run {
  constructor() {
    /** @type {import('node:child_process').ChildProcess | undefined} */
    this.codeServer = undefined;
    this.codeServerOutput = new Tail(40);
    /** @type {import('playwright-core').BrowserContext | undefined} */
    this.browser = undefined;
    /** @type {import('playwright-core').Page | undefined} */
    this.page = undefined;
    /** Other tabs a test opened (`open`), by name. @type {Map<string, import('playwright-core').Page>} */
    this.pages = new Map();
    /** @type {TempDirs | undefined} */
    this.dirs = undefined;
    this.finishing = false;
    /** @type {(error: HarnessError) => void} */
    this.abort = () => {};
    /** Rejects when the run must stop early: timeout, signal, code-server or Chromium gone. */
    this.aborted = new Promise((_resolve, reject) => {
      this.abort = reject;
    });
    this.aborted.catch(() => {});
  }

  /**
   * Waits for a step, or for the run to be aborted, whichever comes first.
   * @template T @param {Promise<T>} step @returns {Promise<T>}
   */
  guard(step) {
    return Promise.race([step, this.aborted]);
  }
}

/**
 * Starts code-server on `port` and resolves once it answers on /healthz.
 * @param {Run} run @param {ReturnType<typeof locateTools>} tools @param {TempDirs} dirs
 * @param {number} port @param {number} deadPort
 */
async function startCodeServer(run, tools, dirs, port, deadPort) {
  const deadEnd = `http://127.0.0.1:${deadPort}`;
  const env = {
    ...isolatedEnv(dirs),
    // The extension gallery, as a JSON product override: every URL a dead end.
    EXTENSIONS_GALLERY: JSON.stringify({
      serviceUrl: `${deadEnd}/gallery`,
      itemUrl: `${deadEnd}/item`,
      resourceUrlTemplate: `${deadEnd}/resource/{publisher}/{name}/{version}/{path}`,
      controlUrl: '',
      nlsBaseUrl: '',
    }),
  };
  const args = [
    tools.codeServerEntry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--config', join(dirs.config, 'code-server.yaml'),
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--ignore-last-opened', '--disable-proxy',
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
    // Makes the workbench honour the `payload` query parameter (extension development and tests).
    '--vscode-option', 'enable-smoke-test-driver',
  ];
  // An empty config file of our own: otherwise code-server writes a default one with a password.
  writeFileSync(join(dirs.config, 'code-server.yaml'), '');
  // A process group of its own, so that one signal reaches code-server's extension hosts too.
  const child = spawn(tools.nodeBin, args, { env, cwd: dirs.home, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  run.codeServer = child;
  child.stdout?.on('data', (chunk) => run.codeServerOutput.push(chunk, process.stdout));
  child.stderr?.on('data', (chunk) => run.codeServerOutput.push(chunk, process.stderr));
  child.once('error', (error) => run.abort(new HarnessError(`code-server could not start: ${error.message}`)));
  child.once('exit', (code, signal) => {
    if (!run.finishing) {
      run.abort(new HarnessError(`code-server exited early (${code ?? signal}); its last output:\n${run.codeServerOutput}`));
    }
  });
  await run.guard(waitForHealth(run, `http://127.0.0.1:${port}/healthz`));
}

/**
 * Polls code-server's health endpoint until it answers. The run's guard bounds the wait; the
 * loop itself ends with the run.
 * @param {Run} run @param {string} url
 */
async function waitForHealth(run, url) {
  while (!run.finishing) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 100));
  }
}

/**
 * The workbench URL that makes code-server's extension host load the extension and run its tests.
 * @param {number} port @param {DesktopArgs} desktop
 */
export function workbenchUrl(port, desktop) {
  const remote = (/** @type {string} */ path) => `vscode-remote://127.0.0.1:${port}${pathToFileURL(path).pathname}`;
  const payload = [
    ...desktop.extensionDevelopmentPaths.map((path) => ['extensionDevelopmentPath', remote(path)]),
    ['extensionTestsPath', remote(desktop.extensionTestsPath)],
    ['skipWelcome', 'true'],
    ...(desktop.disableExtensions ? [['disableExtensions', 'true']] : []),
  ];
  const query = new URLSearchParams();
  if (desktop.workspace?.endsWith('.code-workspace')) query.set('workspace', desktop.workspace);
  else if (desktop.workspace) query.set('folder', desktop.workspace);
  else query.set('ew', 'true'); // an empty window, as desktop VS Code opens without a folder
  query.set('payload', JSON.stringify(payload));
  return `http://127.0.0.1:${port}/?${query}`;
}

/**
 * Forwards the workbench's log lines while tests run: the extension host's console (mocha's
 * report among it) and the workbench's own messages, which arrive through the same log service
 * and cannot be told apart. `args` are a console call's arguments (`['%d passing', 2]`).
 * Errors and warnings go to stderr. Failures of the requests the harness itself sends to the
 * dead-end port (extension gallery, proxy) are counted, not printed: they are the isolation
 * working, not news about the tests.
 * Nothing is forwarded once the run is finishing: what the workbench says while it is torn down
 * is noise.
 * @param {Run} run @param {number} deadPort
 */
function logForwarder(run, deadPort) {
  const deadEnd = `127.0.0.1:${deadPort}`;
  const forwarder = {
    blocked: 0,
    /** @param {string} type @param {unknown} args */
    log(type, args) {
      if (run.finishing) return;
      const text = Array.isArray(args) ? format(...args) : String(args);
      if (text.includes(deadEnd)) {
        forwarder.blocked++;
        return;
      }
      if (text.includes('agbac-picture: ready')) void savePicture(run);
      const request = /agbac-page: (\{.*\})\s*$/.exec(text);
      if (request?.[1]) {
        void answerPageRequest(run, request[1]);
        return;
      }
      const stream = type === 'error' || type === 'warn' ? process.stderr : process.stdout;
      stream.write(text.endsWith('\n') ? text : `${text}\n`);
    },
  };
  return forwarder;
}

/**
 * Opens the workbench in headless Chromium and resolves with the test run's exit code.
 * @param {Run} run @param {ReturnType<typeof locateTools>} tools @param {TempDirs} dirs @param {string} url
 * @param {ReturnType<typeof logForwarder>} forwarder
 * @returns {Promise<{ code: number, logs: { relativePath: string, contents: string }[] }>}
 */
async function runWorkbench(run, tools, dirs, url, forwarder) {
  const { chromium } = await import('playwright-core');
  const browser = await run.guard(chromium.launchPersistentContext(dirs.chromiumProfile, {
    executablePath: tools.chromium,
    headless: true,
    args: CHROMIUM_FLAGS,
    env: isolatedEnv(dirs),
    viewport: { width: 1400, height: 900 },
    // The bridge's own handlers stop everything in order (screenshot first).
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  }));
  run.browser = browser;
  browser.once('close', () => {
    if (!run.finishing) run.abort(new HarnessError('Chromium closed before the tests finished'));
  });
  /** @type {(result: { code: number, logs: { relativePath: string, contents: string }[] }) => void} */
  let finished = () => {};
  const exited = new Promise((resolveExit) => {
    finished = resolveExit;
  });
  // Both must exist before the workbench loads: it looks them up when the tests start and end.
  await run.guard(browser.exposeFunction('codeAutomationLog', forwarder.log));
  await run.guard(browser.exposeFunction('codeAutomationExit', (/** @type {unknown} */ code, /** @type {unknown} */ logs) => {
    finished({ code: typeof code === 'number' ? code : HARNESS_FAILURE, logs: Array.isArray(logs) ? logs : [] });
  }));
  const page = browser.pages()[0] ?? (await run.guard(browser.newPage()));
  run.page = page;
  page.on('crash', () => run.abort(new HarnessError('the workbench page crashed')));
  if (VERBOSE) {
    page.on('console', (message) => process.stderr.write(`[page ${message.type()}] ${message.text()}\n`));
    page.on('pageerror', (error) => process.stderr.write(`[page error] ${error.message}\n`));
  }
  await run.guard(page.goto(url, { waitUntil: 'domcontentloaded' }));
  return run.guard(exited);
}

/**
 * Saves a PNG of the workbench, and the workbench's logs when it handed them over, for debugging.
 * @param {Run} run @param {{ relativePath: string, contents: string }[]} logs
 */
async function saveDebugArtifacts(run, logs) {
  const dir = process.env.AGBAC_VSCODE_SCREENSHOT_DIR;
  if (!dir || !run.page) return;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  try {
    mkdirSync(dir, { recursive: true });
    const path = join(resolve(dir), `workbench-${stamp}.png`);
    await run.page.screenshot({ path, timeout: 15_000 });
    note(`screenshot: ${path}`);
    for (const { relativePath, contents } of logs) {
      const logPath = join(resolve(dir), `workbench-${stamp}-logs`, relativePath);
      mkdirSync(dirname(logPath), { recursive: true });
      writeFileSync(logPath, contents);
    }
  } catch (error) {
    note(`no screenshot: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
}

/**
 * Saves the picture the tests staged (a file with its diagnostics and a hover open), once
 * everything named in AGBAC_VSCODE_PICTURE_WAIT is visible; or FILE.failed with the reason. The
 * tests wait for one of the two files before they end.
 * @param {Run} run
 */
async function savePicture(run) {
  const path = process.env.AGBAC_VSCODE_PICTURE;
  if (!path || !run.page) return;
  const target = resolve(path);
  const selectors = (process.env.AGBAC_VSCODE_PICTURE_WAIT ?? '').split(',').map((selector) => selector.trim()).filter(Boolean);
  mkdirSync(dirname(target), { recursive: true });
  try {
    for (const selector of selectors) await run.page.locator(selector).first().waitFor({ state: 'visible', timeout: 15_000 });
    await run.page.screenshot({ path: target, timeout: 15_000 });
    note(`picture: ${target}`);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
    writeFileSync(`${target}.failed`, reason);
    note(`no picture: ${reason}`);
  }
}

/**
 * The frame of an extension's webview that holds its content. VS Code puts each webview in an
 * outer frame (whose URL names the extension) around an inner one with the extension's HTML.
 * @param {import('playwright-core').Page} page @param {string} extensionId
 */
function webviewFrames(page, extensionId) {
  const marker = `extensionId=${encodeURIComponent(extensionId)}`;
  return page.frames().filter((frame) => frame.parentFrame()?.url().includes(marker) === true);
}

/**
 * Does one page request and writes its answer file (atomically: written aside, then renamed).
 * @param {Run} run @param {string} json
 */
async function answerPageRequest(run, json) {
  const dir = process.env.AGBAC_VSCODE_PAGE_DIR ?? run.dirs?.page;
  /** @type {{ id?: unknown, action?: unknown, page?: unknown, url?: unknown, selector?: unknown, webview?: unknown, attributes?: unknown, key?: unknown, text?: unknown, path?: unknown, waitFor?: unknown, element?: unknown, dx?: unknown, position?: unknown, textFile?: unknown, timeoutMs?: unknown }} */
  let request;
  try {
    request = JSON.parse(json);
  } catch {
    note(`ignoring a page request that is not JSON: ${json.slice(0, 80)}`);
    return;
  }
  const id = typeof request.id === 'string' && /^[\w-]+$/.test(request.id) ? request.id : undefined;
  if (!id || !dir || !run.page) return;
  /** @type {unknown} */
  let answer;
  try {
    answer = { ok: true, result: await namedPageAction(run, request) };
  } catch (error) {
    answer = { ok: false, error: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${id}.tmp`), JSON.stringify(answer));
  renameSync(join(dir, `${id}.tmp`), join(dir, `${id}.json`));
}

/**
 * A page request on the workbench, or on another tab the test opened by name (`page`).
 * @param {Run} run
 * @param {{ action?: unknown, page?: unknown, url?: unknown, selector?: unknown, webview?: unknown, attributes?: unknown, key?: unknown, text?: unknown, path?: unknown, waitFor?: unknown, element?: unknown, dx?: unknown, position?: unknown, textFile?: unknown, timeoutMs?: unknown }} request
 */
async function namedPageAction(run, request) {
  const name = typeof request.page === 'string' ? request.page : undefined;
  if (request.action === 'open') {
    if (!name || typeof request.url !== 'string' || !/^https?:\/\//.test(request.url)) throw new Error('open needs a page name and an http(s) url');
    if (!run.browser) throw new Error('no browser');
    await run.pages.get(name)?.close();
    const tab = await run.browser.newPage();
    run.pages.set(name, tab);
    await tab.goto(request.url, { timeout: 15_000 });
    return tab.url();
  }
  if (request.action === 'close') {
    if (name) await run.pages.get(name)?.close();
    if (name) run.pages.delete(name);
    return null;
  }
  const target = name ? run.pages.get(name) : run.page;
  if (!target) throw new Error(name ? `no page named ${name} is open` : 'no page');
  const result = await pageAction(target, request);
  // A named tab answers with where it is now (a form that redirected, say) besides the result.
  return name && request.action !== 'query' ? { result, url: target.url() } : result;
}

/**
 * @param {import('playwright-core').Page} page
 * @param {{ action?: unknown, selector?: unknown, webview?: unknown, attributes?: unknown, key?: unknown, text?: unknown, path?: unknown, waitFor?: unknown, element?: unknown, dx?: unknown, position?: unknown, textFile?: unknown, timeoutMs?: unknown }} request
 */
async function pageAction(page, request) {
  const timeout = typeof request.timeoutMs === 'number' ? request.timeoutMs : 15_000;
  const selector = typeof request.selector === 'string' ? request.selector : undefined;
  switch (request.action) {
    case 'query': {
      if (!selector) throw new Error('query needs a selector');
      const attributes = Array.isArray(request.attributes) ? request.attributes.filter((name) => typeof name === 'string') : [];
      const frames = typeof request.webview === 'string' ? webviewFrames(page, request.webview) : [page.mainFrame()];
      /** @type {{ text: string, attributes: Record<string, string | null> }[]} */
      const items = [];
      for (const frame of frames) {
        items.push(...(await frame.$$eval(selector, (elements, names) => elements.map((element) => ({
          text: element instanceof HTMLElement ? element.innerText : element.textContent ?? '',
          attributes: Object.fromEntries(names.map((name) => [name, element.getAttribute(name)])),
        })), attributes)));
      }
      return { frames: frames.length, items };
    }
    case 'click':
      if (!selector) throw new Error('click needs a selector');
      // `position` clicks at that offset in the element (a pane header's title, not its actions).
      await page.locator(selector).first().click({ timeout, ...(isPosition(request.position) ? { position: request.position } : {}) });
      return null;
    case 'fill': {
      // A secret to type comes in a file the bridge reads and deletes: a request is a log line,
      // and log lines are kept (the workbench stores them), so a secret must never be one.
      let text = request.text;
      if (typeof request.textFile === 'string') {
        text = readFileSync(request.textFile, 'utf8');
        rmSync(request.textFile, { force: true });
      }
      if (!selector || typeof text !== 'string') throw new Error('fill needs a selector and a text (or textFile)');
      await page.locator(selector).first().fill(text, { timeout });
      return null;
    }
    case 'drag-edge': {
      // Drags the right edge of an element (the sash beside it) by dx pixels: widens the side bar.
      if (!selector || typeof request.dx !== 'number') throw new Error('drag-edge needs a selector and dx');
      const box = await page.locator(selector).first().boundingBox({ timeout });
      if (!box) throw new Error(`${selector} is not visible`);
      const x = box.x + box.width;
      const y = box.y + box.height / 2;
      await page.mouse.move(x, y);
      await page.mouse.down();
      await page.mouse.move(x + request.dx / 2, y, { steps: 5 });
      await page.mouse.move(x + request.dx, y, { steps: 5 });
      await page.mouse.up();
      return null;
    }
    case 'press':
      if (typeof request.key !== 'string') throw new Error('press needs a key');
      await page.keyboard.press(request.key);
      return null;
    case 'screenshot': {
      if (typeof request.path !== 'string') throw new Error('screenshot needs a path');
      const waitFor = Array.isArray(request.waitFor) ? request.waitFor.filter((item) => typeof item === 'string') : [];
      for (const wanted of waitFor) await page.locator(wanted).first().waitFor({ state: 'visible', timeout });
      const target = resolve(request.path);
      mkdirSync(dirname(target), { recursive: true });
      // `element`: only that part of the workbench (the side bar, say), else the whole page.
      if (typeof request.element === 'string') await page.locator(request.element).first().screenshot({ path: target, timeout });
      else await page.screenshot({ path: target, timeout });
      return target;
    }
    default:
      throw new Error(`unknown page action ${String(request.action)}`);
  }
}

/** @param {unknown} value @returns {value is { x: number, y: number }} */
function isPosition(value) {
  return typeof value === 'object' && value !== null && typeof (/** @type {{ x?: unknown }} */ (value)).x === 'number' && typeof (/** @type {{ y?: unknown }} */ (value)).y === 'number';
}

/**
 * Installs a .vsix into the run's extensions folder, as a user would with --install-extension.
 * @param {ReturnType<typeof locateTools>} tools @param {TempDirs} dirs @param {string} vsix
 */
function installVsix(tools, dirs, vsix) {
  if (!isFile(vsix)) throw new HarnessError(`AGBAC_VSCODE_INSTALL_VSIX: ${vsix} is not a file`);
  const result = spawnSync(tools.nodeBin, [
    tools.codeServerEntry, '--install-extension', resolve(vsix),
    '--extensions-dir', dirs.extensions, '--user-data-dir', dirs.userData,
  ], { env: isolatedEnv(dirs), cwd: dirs.home, encoding: 'utf8', timeout: 120_000 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  if (result.status !== 0) throw new HarnessError(`installing ${vsix} failed (${result.status ?? result.signal}): ${output}`);
  note(`installed ${vsix}: ${output.split('\n').at(-1) ?? ''}`);
}

/**
 * Stops Chromium and code-server and removes the temp dirs. Waits for code-server's process
 * group to exit (SIGTERM, then SIGKILL after a grace period) so no server outlives the bridge.
 * @param {Run} run
 */
async function cleanUp(run) {
  await Promise.race([run.browser?.close().catch(() => {}), new Promise((done) => setTimeout(done, 10_000))]);
  await stopProcessGroup(run.codeServer);
  if (run.dirs) rmSync(run.dirs.root, { recursive: true, force: true });
}

/** @param {import('node:child_process').ChildProcess | undefined} child */
async function stopProcessGroup(child) {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const pid = child.pid;
  const exited = new Promise((done) => child.once('exit', done));
  signalGroup(pid, 'SIGTERM');
  const graceful = await Promise.race([exited.then(() => true), new Promise((done) => setTimeout(() => done(false), 5_000))]);
  if (!graceful) signalGroup(pid, 'SIGKILL');
  // The group's other members (extension hosts) may outlive the leader for a moment.
  signalGroup(pid, 'SIGKILL');
}

/** @param {number} pid @param {NodeJS.Signals} signal */
function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** @param {string[]} argv */
export async function main(argv) {
  const run = new Run();
  const timeoutMs = Number(process.env.AGBAC_VSCODE_TIMEOUT_MS ?? DEFAULT_TIMEOUT_MS);
  const timer = setTimeout(() => {
    run.abort(new HarnessError(`timed out after ${Math.round(timeoutMs / 1000)} s (AGBAC_VSCODE_TIMEOUT_MS); code-server's last output:\n${run.codeServerOutput}`));
  }, Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : DEFAULT_TIMEOUT_MS);
  const onSignal = (/** @type {NodeJS.Signals} */ signal) => {
    const code = signal === 'SIGINT' ? 130 : 143;
    // A second signal while cleaning up means "now": the exit handler below still kills code-server.
    if (run.finishing) process.exit(code);
    run.abort(new HarnessError(`interrupted by ${signal}`, code));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Last resort if the bridge dies some other way: no code-server, no temp dirs left behind.
  process.on('exit', () => {
    if (run.codeServer?.pid) signalGroup(run.codeServer.pid, 'SIGKILL');
    if (run.dirs) rmSync(run.dirs.root, { recursive: true, force: true });
  });

  let exitCode = HARNESS_FAILURE;
  /** @type {{ relativePath: string, contents: string }[]} */
  let logs = [];
  try {
    const desktop = parseDesktopArgs(argv);
    if (desktop.ignored.length > 0) note(`ignoring desktop arguments with no code-server meaning: ${desktop.ignored.join(' ')}`);
    checkPaths(desktop);
    const tools = locateTools();
    const dirs = makeTempDirs();
    run.dirs = dirs;
    const port = await freePort();
    const deadPort = await freePort();
    writeUserSettings(dirs, deadPort);
    if (process.env.AGBAC_VSCODE_INSTALL_VSIX) installVsix(tools, dirs, process.env.AGBAC_VSCODE_INSTALL_VSIX);
    const started = Date.now();
    await startCodeServer(run, tools, dirs, port, deadPort);
    note(`code-server is up on http://127.0.0.1:${port} (${Date.now() - started} ms); opening the workbench on ${desktop.workspace ?? 'an empty window'}`);
    const forwarder = logForwarder(run, deadPort);
    const result = await runWorkbench(run, tools, dirs, workbenchUrl(port, desktop), forwarder);
    exitCode = result.code;
    logs = result.logs;
    if (forwarder.blocked > 0) note(`${forwarder.blocked} workbench messages about requests to the dead-end port (gallery, proxy) not shown`);
    note(`the extension tests exited with ${exitCode}`);
  } catch (error) {
    exitCode = error instanceof HarnessError ? error.exitCode : HARNESS_FAILURE;
    note(`error: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    clearTimeout(timer);
    // From here on, code-server or Chromium going away is expected.
    run.finishing = true;
  }
  await saveDebugArtifacts(run, logs);
  await cleanUp(run);
  process.exit(exitCode);
}
