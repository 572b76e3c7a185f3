/**
 * Start-up cost: the extension's `require` + `activate` in a fresh process (the minified bundle,
 * with the Node modules VS Code's extension host has already loaded loaded first, and a stand-in
 * for the `vscode` module), and `agbac --help` against a bare `node -e 0`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProduction, median, QUICK, ROOT, type Row } from './lib';

/** Built-in modules the extension host has loaded before any extension activates. */
const HOST_MODULES = ['fs', 'path', 'os', 'util', 'events', 'stream', 'url', 'crypto', 'http', 'https', 'net', 'tls', 'zlib', 'child_process', 'buffer', 'string_decoder', 'timers', 'dns', 'worker_threads'];

/** Runs in a fresh process: loads the host's modules, stubs `vscode`, then times require + activate. */
const ACTIVATE_PROBE = `
const Module = require('node:module');
for (const name of ${JSON.stringify(HOST_MODULES)}) require('node:' + name);
const anything = () => new Proxy(function () {}, {
  get: (_t, key) => key === 'then' ? undefined : key === Symbol.iterator ? function* () {} : anything(),
  apply: () => anything(),
  construct: () => anything(),
  set: () => true,
  defineProperty: () => true,
});
const vscode = {};
for (const name of JSON.parse(process.argv[4])) vscode[name] = anything();
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? vscode : load.call(this, request, ...rest); };
const context = { subscriptions: [], secrets: anything(), globalState: anything(), workspaceState: anything(), extensionUri: anything(), extensionPath: process.argv[3], asAbsolutePath: (p) => p, storageUri: undefined, globalStorageUri: anything(), logUri: anything(), extension: anything(), environmentVariableCollection: anything() };
const start = process.hrtime.bigint();
const extension = require(process.argv[2]);
const required = process.hrtime.bigint();
extension.activate(context);
const activated = process.hrtime.bigint();
process.stdout.write(JSON.stringify({ require: Number(required - start) / 1e6, activate: Number(activated - required) / 1e6 }));
`;

/** The names the \`vscode\` module exports, read from its type declarations (a tab-indented \`export\` inside \`declare module 'vscode'\`). */
function vscodeExports(): string[] {
  const declarations = readFileSync(join(ROOT, 'node_modules', '@types', 'vscode', 'index.d.ts'), 'utf8');
  return [...new Set([...declarations.matchAll(/^\texport (?:namespace|class|enum|const|function|let|var) (\w+)/gm)].map((match) => match[1] ?? ''))];
}

function wallMs(args: readonly string[]): number {
  const start = performance.now();
  const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited ${run.status}: ${run.stderr.slice(0, 300)}`);
  return performance.now() - start;
}

export async function startupBench(): Promise<Row[]> {
  // The bundles as shipped: the project's own production build (minified, the CLI split by command).
  buildProduction();
  const out = mkdtempSync(join(tmpdir(), 'agbac-bench-'));
  const probe = join(out, 'activate-probe.cjs');
  writeFileSync(probe, ACTIVATE_PROBE);
  const names = JSON.stringify(vscodeExports());
  const runs = QUICK ? 3 : 15;
  const activations: number[] = [];
  for (let i = 0; i < runs; i++) {
    const run = spawnSync(process.execPath, [probe, join(ROOT, 'dist', 'extension.js'), ROOT, names], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`activation probe failed: ${run.stderr.slice(0, 500)}`);
    const { require: load, activate } = JSON.parse(run.stdout) as { require: number; activate: number };
    activations.push(load + activate);
  }
  const cli = join(ROOT, 'dist', 'cli.js');
  const bare: number[] = [];
  const help: number[] = [];
  for (let i = 0; i < runs; i++) {
    bare.push(wallMs(['-e', '0']));
    help.push(wallMs([cli, '--help']));
  }
  const activation = median(activations);
  const extra = median(help) - median(bare);
  return [
    { measure: 'extension require + activate (minified, host modules loaded)', value: activation, unit: 'ms', kind: 'time', goal: '< 20 ms', met: activation < 20 },
    { measure: 'agbac --help', value: median(help), unit: 'ms', baseline: { name: 'node -e 0', value: median(bare) }, kind: 'time', goal: '≤ +40 ms', met: extra <= 40, note: `+${extra.toFixed(0)} ms` },
  ];
}
