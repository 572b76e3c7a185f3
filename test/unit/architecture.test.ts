/**
 * The architecture holds by machine, not by habit: the lint boundaries of every layer fire, the
 * core's compiler settings refuse the globals that would let it do I/O, and the list of error
 * classes in docs/architecture.md is the list in the code.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { ESLint, Linter } from 'eslint';
import ts from 'typescript';
import tseslint from 'typescript-eslint';

const ROOT = join(import.meta.dirname, '..', '..');

/** Lints `source` as if it were the file at `path`, with the import and purity rules the project's config gives that file. */
async function boundaryProblems(path: string, source: string): Promise<string[]> {
  const config = (await new ESLint({ cwd: ROOT }).calculateConfigForFile(join(ROOT, path))) as { rules: Record<string, unknown> };
  const wanted = ['no-restricted-imports', '@typescript-eslint/no-restricted-imports', 'no-restricted-globals', 'no-restricted-syntax'];
  const rules = Object.fromEntries(Object.entries(config.rules).filter(([name]) => wanted.includes(name))) as Linter.RulesRecord;
  const messages = new Linter({ configType: 'flat' }).verify(
    source,
    [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, plugins: { '@typescript-eslint': tseslint.plugin }, rules }],
    join(ROOT, path),
  );
  return messages.map((message) => `${message.ruleId ?? 'parse'}: ${message.message}`);
}

const refused: [string, string][] = [
  ['src/core/jwt.ts', "import { httpRequest } from '../oauth';"],
  ['src/core/rules/token.ts', "import { startSandbox } from '../../sandbox';"],
  ['src/core/jwt.ts', "import { readFile } from 'node:fs/promises';"],
  ['src/core/jwt.ts', "import * as vscode from 'vscode';"],
  ['src/core/jwt.ts', 'export const id = crypto.randomUUID();'],
  ['src/core/jwt.ts', 'export const t = Date.now();'],
  ['src/core/jwt.ts', 'export const r = Math.random();'],
  ['src/core/jwt.ts', 'setTimeout(() => undefined, 1);'],
  ['src/core/jwt.ts', "export const lazy = () => import('jose');"],
  ['src/oauth/http.ts', "import { GUIDE } from '../okta/guide';"],
  ['src/oauth/http.ts', "import { startSandbox } from '../sandbox';"],
  ['src/oauth/http.ts', "import * as vscode from 'vscode';"],
  ['src/okta/doctor.ts', "import { startSandbox } from '../sandbox';"],
  ['src/okta/doctor.ts', "import { main } from '../cli/main';"],
  ['src/sandbox/token.ts', "import { requestToken } from '../oauth';"],
  ['src/sandbox/token.ts', "import { connectOrg } from '../okta';"],
  ['src/sandbox/management/apps.ts', "import { httpRequest } from '../../oauth/http';"],
  ['src/hook/handler.ts', "import { startSandbox } from '../sandbox';"],
  ['src/hook/handler.ts', "import { main } from '../cli/main';"],
  ['src/hook/handler.ts', "import * as vscode from 'vscode';"],
  ['src/sandbox/token.ts', "import { createHookApp } from '../hook';"],
  ['src/oauth/http.ts', "import { createHookApp } from '../hook';"],
  ['src/okta/doctor.ts', "import { createHookApp } from '../hook';"],
  ['src/vscode/commands.ts', "import { serveHook } from '../hook';"],
  ['src/cli/lint.ts', "import { log } from '../vscode/log';"],
  ['src/cli.ts', "import * as vscode from 'vscode';"],
  ['src/vscode/commands.ts', "import { main } from '../cli/main';"],
  ['src/vscode/commands.ts', "import { connectOrg } from '../okta';"],
  ['src/vscode/commands.ts', "import { startSandbox } from '../sandbox';"],
  ['src/vscode/model/tree.ts', "import * as vscode from 'vscode';"],
  ['src/vscode/model/tree.ts', "import { log } from '../log';"],
  ['src/vscode/model/tree.ts', "import { readFile } from 'node:fs/promises';"],
  ['src/vscode/webview/inspector.ts', "import * as vscode from 'vscode';"],
  ['src/vscode/webview/inspector.ts', "import { log } from '../log';"],
  ['src/vscode/webview/inspector.ts', "import { createHash } from 'node:crypto';"],
  ['src/vscode/webview/inspector.ts', "import { requestToken } from '../../oauth';"],
];

const allowed: [string, string][] = [
  ['src/core/jwt.ts', "import { base64url } from 'jose';"],
  ['src/core/rules/token.ts', "import { isoTime } from '../time';"],
  ['src/oauth/http.ts', "import { parseUrl } from '../core';"],
  ['src/okta/doctor.ts', "import { requestToken } from '../oauth';"],
  ['src/sandbox/token.ts', "import { decodeJwt } from '../core';"],
  ['src/cli/lint.ts', "import { startSandbox } from '../sandbox';"],
  ['src/cli/hook.ts', "import { serveHook } from '../hook';"],
  ['src/hook/handler.ts', "import type { OrgApi } from '../okta';"],
  ['src/hook/handler.ts', "import { remoteKeySet } from '../oauth';"],
  ['src/vscode/commands.ts', "import type { HookAuditEvent } from '../hook';"],
  ['src/vscode/commands.ts', "import type { OrgApi } from '../okta';"],
  ['src/vscode/commands.ts', "export const load = () => import('../okta/lookup');"],
  ['src/vscode/commands.ts', "import { requestToken } from '../oauth';"],
  ['src/vscode/sandbox-controller.ts', "export const load = () => import('../sandbox');"],
  ['src/vscode/management.ts', "export const advice = () => import('../okta/advice');"],
  ['src/vscode/model/tree.ts', "import { RULES } from '../../core';"],
  ['src/vscode/model/tree.ts', "import type { Check } from '../../okta/checks';"],
  ['src/vscode/model/tree.ts', "import { humanLabel } from './tokens';"],
  ['src/vscode/webview/inspector.ts', "import { readToWebview } from '../model/inspector-protocol';"],
  ['src/vscode/webview/inspector.ts', "import { relativeTime } from '../../core/time';"],
];

describe('layer boundaries (eslint.config.mjs)', () => {
  for (const [path, source] of refused) {
    it(`refuses in ${path}: ${source}`, async () => {
      const problems = await boundaryProblems(path, source);
      assert.ok(problems.some((problem) => /^(@typescript-eslint\/)?no-restricted-/.test(problem)), `no boundary rule fired: ${problems.join('; ')}`);
    });
  }
  for (const [path, source] of allowed) {
    it(`allows in ${path}: ${source}`, async () => {
      assert.deepEqual(await boundaryProblems(path, source), []);
    });
  }
});

describe('tsconfig.core.json', () => {
  /** Type-checks one probe file with the core's compiler options (and its globals file). */
  function coreDiagnostics(source: string): string[] {
    const configPath = join(ROOT, 'tsconfig.core.json');
    const read = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT, undefined, configPath);
    const probe = join(ROOT, 'src', 'core', '__probe__.ts');
    const host = ts.createCompilerHost(parsed.options);
    const readFile = host.readFile.bind(host);
    host.readFile = (path) => (path === probe ? source : readFile(path));
    host.fileExists = ((exists) => (path: string) => path === probe || exists(path))(host.fileExists.bind(host));
    const program = ts.createProgram([probe, join(ROOT, 'typings', 'core-globals.d.ts')], parsed.options, host);
    return ts.getPreEmitDiagnostics(program, program.getSourceFile(probe)).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
  }

  it('refuses DOM and Node globals in core', () => {
    for (const name of ['fetch', 'setTimeout', 'process', 'Buffer', 'crypto', 'document', 'require', 'console']) {
      const problems = coreDiagnostics(`export const probe = typeof ${name};\n`);
      assert.ok(problems.some((problem) => problem.includes(`Cannot find name '${name}'`)), `${name}: ${problems.join('; ') || 'compiles'}`);
    }
  });

  it('gives core the pure web globals it uses', () => {
    assert.deepEqual(coreDiagnostics("export const probe = [new TextEncoder().encode('x'), new TextDecoder('utf-8', { fatal: true }), new URL('https://x.example').origin];\n"), []);
  });
});

describe('errors', () => {
  it('docs/architecture.md lists every error class in src, with its layer', () => {
    const documented = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');
    const files = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts'));
    const classes: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(ROOT, 'src', file), 'utf8');
      for (const match of text.matchAll(/^export class (\w+) extends (\w+Error)\b/gm)) {
        const [, name, base] = match;
        classes.push(`${name} (${relative(ROOT, join(ROOT, 'src', file))})`);
        const layer = file.split(/[/\\]/)[0]?.replace(/\.ts$/, '');
        assert.match(documented, new RegExp(`^\\| \`${name}\` \\| [^|]+ \\| ${layer} \\|`, 'm'), `${name} (extends ${base ?? '?'}) is listed with layer ${layer ?? '?'}`);
      }
    }
    assert.ok(classes.length >= 15, classes.join(', '));
  });

  it('every error class has a literal code, on the class and on the instance', async () => {
    const core = await import('../../src/core');
    const oauth = await import('../../src/oauth');
    const okta = await import('../../src/okta');
    const sandbox = await import('../../src/sandbox');
    const hook = await import('../../src/hook');
    const classes = [
      core.SigningError, core.KeyError, core.UrlError, core.InputError,
      oauth.DiscoveryError, okta.ManagementError,
    ];
    for (const ErrorClass of classes) {
      const error = new ErrorClass('probe', undefined, undefined);
      assert.ok(error instanceof core.AgbacError);
      assert.match(ErrorClass.code, /^ERR_[A-Z_]+$/);
      assert.equal(error.code, ErrorClass.code, ErrorClass.name);
      assert.equal(error.name, ErrorClass.name);
    }
    const network = new oauth.NetworkError('too-large', 'probe');
    assert.equal(network.code, 'ERR_NETWORK_TOO_LARGE');
    assert.equal(new oauth.SignInError('timeout', 'probe').code, 'ERR_SIGN_IN_TIMEOUT');
    const decode = core.parseJwt('not a jwt');
    assert.equal(decode.ok ? undefined : decode.error.code, 'ERR_JWT_SEGMENT_COUNT');
    assert.equal(new sandbox.SandboxError('ERR_SANDBOX_PORT', 'probe').code, 'ERR_SANDBOX_PORT');
    assert.equal(new hook.HookError('ERR_HOOK_LISTEN', 'probe').code, 'ERR_HOOK_LISTEN');
    const refusal = new hook.HookRefusal('replayed', 'probe');
    assert.equal(refusal.code, hook.HookRefusal.code);
    assert.ok(refusal instanceof core.AgbacError);
  });
});
