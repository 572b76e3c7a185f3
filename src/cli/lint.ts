/** `agbac lint`: check assertion and token payload files (JSON, JSONC, or one JWT per file). */
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import {
  type DocumentKind,
  documentKindOf,
  escapeControls,
  formatTextReport,
  type LintResult,
  lintDocument,
  reportFindings,
  type ReportedFinding,
  summarize,
  toSarif,
  unreadableFile,
} from '../core';
import { version } from '../../package.json';
import {
  audienceStyleOption,
  authMethodOption,
  type Command,
  EXIT,
  formatOption,
  InputFileError,
  intOption,
  json,
  nowOption,
  parse,
  profileOption,
  readInput,
  UsageError,
} from './common';

const EXTENSIONS = ['.json', '.jsonc', '.jwt'];

export const lintCommand: Command = {
  usage: `agbac lint <files or folders...> [options]

Checks client assertion and access token payloads: JSON objects, arrays of them, JWT strings
inside JSON, and .jwt files. Folders are searched for ${EXTENSIONS.join(', ')} files.

Options:
  --profile okta-guide|agbac-1.0      claims required (default okta-guide)
  --client-id ID                      the agent's client id (iss and sub must equal it)
  --token-endpoint URL                the token endpoint (expected aud)
  --issuer URL                        the authorization server's issuer
  --api-audience AUD                  the API audience (must NOT be the assertion's aud)
  --audience-style token-endpoint|issuer
                                      which URL aud must be (default token-endpoint, what Okta accepts)
  --auth-method client_secret_jwt|private_key_jwt
  --kind auto|assertion|token         how to read payload objects (default: from the file name, else auto)
  --clock-skew SECONDS                tolerated clock difference (default 60)
  --now TIME                          evaluate at this time (seconds or ISO), for reproducible runs
  --format text|json|sarif            output (default text)

Exit status: 0 no errors, 1 at least one error, 2 usage error.`,
  async run(args, io) {
    const { values, positionals } = parse(args, {
      profile: { type: 'string' },
      'client-id': { type: 'string' },
      'token-endpoint': { type: 'string' },
      issuer: { type: 'string' },
      'api-audience': { type: 'string' },
      'audience-style': { type: 'string' },
      'auth-method': { type: 'string' },
      kind: { type: 'string' },
      'clock-skew': { type: 'string' },
      now: { type: 'string' },
      format: { type: 'string' },
    });
    if (positionals.length === 0) throw new UsageError('give at least one file or folder to lint');
    const format = formatOption(values.format, ['text', 'json', 'sarif'] as const);
    const kindOption = values.kind;
    if (kindOption !== undefined && !['auto', 'assertion', 'token'].includes(kindOption)) {
      throw new UsageError(`--kind must be auto, assertion or token, got "${kindOption}"`);
    }
    const profile = profileOption(values.profile);
    const clockSkewSeconds = intOption('clock-skew', values['clock-skew'], { min: 0, max: 3600 });
    const authMethod = authMethodOption(values['auth-method']);
    const now = nowOption(values.now, io);
    const assertion = {
      profile,
      audienceStyle: audienceStyleOption(values['audience-style']),
      clientId: values['client-id'],
      tokenEndpoint: values['token-endpoint'],
      issuer: values.issuer,
      apiAudience: values['api-audience'],
      authMethod,
      clockSkewSeconds,
    };
    const token = { profile, issuer: values.issuer, audience: values['api-audience'], clockSkewSeconds };

    const files = await collectFiles(positionals);
    const reported: ReportedFinding[] = [];
    // A file that cannot be read is one finding in its place; the others are still linted.
    for (const file of files) {
      let result: LintResult;
      if ('unreadable' in file) {
        result = unreadableFile(file.unreadable, profile);
      } else {
        try {
          const text = await readInput(file.path, io);
          const kind = (kindOption as DocumentKind | undefined) ?? documentKindOf(file.path);
          result = lintDocument(text, { now, kind, assertion, token });
        } catch (error) {
          if (!(error instanceof InputFileError)) throw error;
          result = unreadableFile(error.reason, profile);
        }
      }
      reported.push(...reportFindings(displayPath(file.path), result.findings));
    }

    if (format === 'json') io.out(json(reported));
    else if (format === 'sarif') io.out(json(toSarif(reported, { name: 'agbac', version })));
    else {
      if (reported.length) io.out(formatTextReport(reported));
      io.err(summarize(reported, files.length));
    }
    return reported.some((finding) => finding.severity === 'error') ? EXIT.failed : EXIT.ok;
  },
};

/** A file to lint, or a path that cannot be (a missing input, a folder that cannot be listed). */
type Input = { readonly path: string } | { readonly path: string; readonly unreadable: string };

async function collectFiles(inputs: string[]): Promise<Input[]> {
  const files: Input[] = [];
  for (const input of inputs) {
    if (input === '-') {
      files.push({ path: input });
      continue;
    }
    const info = await stat(input).catch(() => undefined);
    if (!info) files.push({ path: input, unreadable: 'no such file or folder' });
    else if (info.isDirectory()) files.push(...(await walk(input)));
    else files.push({ path: input });
  }
  return files;
}

/**
 * The files to lint under a folder, in name order. Symbolic links are not followed (no loops);
 * FIFOs, devices and sockets are skipped; a folder that cannot be listed is reported, not fatal.
 */
async function walk(folder: string): Promise<Input[]> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return [{ path: folder, unreadable: `a folder that cannot be listed (${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? 'unknown error')})` }];
  }
  const found: Input[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) found.push(...(await walk(path)));
    else if (entry.isFile() && EXTENSIONS.some((extension) => entry.name.toLowerCase().endsWith(extension))) found.push({ path });
  }
  return found;
}

/** The path as the report shows it: relative when below the working folder, control characters escaped. */
function displayPath(file: string): string {
  if (file === '-') return '<stdin>';
  const shown = relative(process.cwd(), file);
  return escapeControls(shown.startsWith('..') ? file : shown);
}
