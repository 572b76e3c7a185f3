/** What every `agbac` command shares: argument parsing, input, exit codes, one-line errors. */
import { constants, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AgbacError, messageOf } from '../core/errors';
import { isAudienceStyle, isAuthMethod, isProfileName } from '../core/profiles';
import { escapeControls } from '../core/text';
import { parseIsoTime } from '../core/time';

/** Exit codes: 0 success/ALLOW, 1 findings/DENY/failure, 2 usage error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A mistake in how the command was called: exit 2 with the command's usage hint. */
export class UsageError extends AgbacError {
  static override readonly code = 'ERR_USAGE';
  override readonly code = 'ERR_USAGE';
}

/** The command ran and failed for a reason worth one line (exit 1). */
export class CommandError extends AgbacError {
  static override readonly code = 'ERR_COMMAND';
  override readonly code = 'ERR_COMMAND';
}

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: () => Promise<string>;
  /** The clock, in seconds since the epoch. */
  readonly now: () => number;
  /**
   * Where a long operation says what it is doing (standard error when it is a terminal, or with
   * AGBAC_PROGRESS=1); absent: silent. Never part of a command's output contract.
   */
  readonly progress?: (text: string) => void;
}

/** A progress reporter for one command: `agbac doctor: checking the scopes…`. */
export function progressOf(io: Io, command: string): (step: string) => void {
  return (step) => io.progress?.(`agbac ${command}: ${step}…`);
}

/** A command's help and its work; its name and one-line summary are in main.ts's list. */
export interface Command {
  readonly usage: string;
  readonly run: (args: string[], io: Io) => Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** `util.parseArgs` with strict checking; its errors become one-line usage errors. */
export function parse<T extends Options>(args: string[], options: T, positionals = true) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: positionals, strict: true });
  } catch (error) {
    // Node's messages span lines; an error here is one line.
    const message = messageOf(error).replace(/\. To specify a positional argument.*$/s, '').replace(/\s*\n\s*/g, ' ');
    throw new UsageError(message);
  }
}

/**
 * The most any command reads from one file or from standard input. Payloads, tokens, keys and
 * seeds are kilobytes; the cap keeps memory and time bounded whatever a path points at.
 */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

/** A file that cannot be read as text; `reason` is the part after "cannot read FILE: ". */
export class InputFileError extends CommandError {
  constructor(readonly file: string, readonly reason: string) {
    super(`cannot read ${escapeControls(file)}: ${reason}`);
  }
}

const OPEN_FAILURES: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is not a folder',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  ENXIO: 'not a regular file (a socket or a device with no reader)',
};

/** What a non-regular file is, in words. */
function fileKind(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  return 'a special file';
}

/**
 * Reads a text file: a regular file only (a FIFO would block, `/dev/zero` never ends), at most
 * {@link MAX_INPUT_BYTES}, UTF-8 (a UTF-8 byte order mark is dropped, as RFC 8259 allows). Opening
 * without blocking means a FIFO is recognised and refused instead of waiting for a writer. Every
 * failure is an {@link InputFileError} with a one-line reason.
 */
export async function readTextFile(file: string, maxBytes = MAX_INPUT_BYTES): Promise<string> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new InputFileError(file, OPEN_FAILURES[code] ?? `the system refused it (${code || messageOf(error)})`);
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new InputFileError(file, 'is a folder');
    if (!info.isFile()) throw new InputFileError(file, `not a regular file (${fileKind(info)})`);
    if (info.size > maxBytes) throw new InputFileError(file, `larger than ${maxBytes / 1024 / 1024} MiB`);
    // The size can be wrong (files under /proc say 0), so the read itself is bounded too.
    const chunks: Uint8Array[] = [];
    let length = 0;
    for (;;) {
      const chunk = new Uint8Array(64 * 1024);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null).catch((error: unknown) => {
        const code = (error as NodeJS.ErrnoException).code ?? '';
        throw new InputFileError(file, code === 'EISDIR' ? 'is a folder' : `the read failed (${code || messageOf(error)})`);
      });
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) throw new InputFileError(file, `larger than ${maxBytes / 1024 / 1024} MiB`);
      chunks.push(chunk.subarray(0, bytesRead));
    }
    const buffer = Buffer.concat(chunks, length);
    const text = decodeUtf8(buffer.subarray(0, length));
    if (text === undefined) throw new InputFileError(file, utf8Problem(buffer.subarray(0, length)));
    return text;
  } finally {
    await handle.close();
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes as UTF-8 text without a byte order mark, or undefined when they are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Why bytes are not UTF-8 text, in words. */
export function utf8Problem(bytes: Uint8Array): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return 'UTF-16 text (it starts with a UTF-16 byte order mark); save it as UTF-8';
  }
  return 'not UTF-8 text (binary, or another encoding); save it as UTF-8';
}

/** Reads a file, or standard input for `-`. */
export async function readInput(source: string, io: Io): Promise<string> {
  if (source === '-') return io.stdin();
  return readTextFile(source);
}

/** A token given inline, as `-` (stdin), or as the path of a file holding it. */
export async function readToken(value: string, io: Io): Promise<string> {
  if (value === '-') return (await io.stdin()).trim();
  // A compact JWT never names an existing file; anything that exists is read (and refused when it
  // is a folder or a special file) rather than taken for the token.
  const exists = await stat(value).then(() => true, () => false);
  return exists ? (await readInput(value, io)).trim() : value.trim();
}

/**
 * Standard input as text: at most {@link MAX_INPUT_BYTES} (`agbac decode - < /dev/zero` ends with
 * an error, not with the memory), UTF-8.
 */
export async function readStream(stream: AsyncIterable<Uint8Array>, maxBytes = MAX_INPUT_BYTES): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > maxBytes) throw new CommandError(`standard input is larger than ${maxBytes / 1024 / 1024} MiB`);
    chunks.push(chunk);
  }
  const bytes = Buffer.concat(chunks, size);
  const text = decodeUtf8(bytes);
  if (text === undefined) throw new CommandError(`cannot read standard input: ${utf8Problem(bytes)}`);
  return text;
}

/** `--now` as seconds since the epoch or an ISO time; the clock when absent. */
export function nowOption(value: string | undefined, io: Io): number {
  if (value === undefined) return io.now();
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const seconds = parseIsoTime(value);
  if (seconds === undefined) throw new UsageError(`--now must be seconds since 1970 or an ISO time with a zone, got "${value}"`);
  return Math.floor(seconds);
}

export function profileOption(value: string | undefined) {
  if (value === undefined) return 'okta-guide' as const;
  if (!isProfileName(value)) throw new UsageError(`--profile must be okta-guide or agbac-1.0, got "${value}"`);
  return value;
}

export function audienceStyleOption(value: string | undefined) {
  if (value === undefined) return 'token-endpoint' as const;
  if (!isAudienceStyle(value)) throw new UsageError(`--audience-style must be token-endpoint or issuer, got "${value}"`);
  return value;
}

export function authMethodOption(value: string | undefined) {
  if (value === undefined) return undefined;
  if (!isAuthMethod(value)) throw new UsageError(`--auth-method must be client_secret_jwt or private_key_jwt, got "${value}"`);
  return value;
}

export function formatOption<const T extends readonly string[]>(value: string | undefined, allowed: T): T[number] {
  const format = value ?? allowed[0];
  if (!allowed.includes(format as string)) throw new UsageError(`--format must be ${allowed.join(', ')}; got "${value}"`);
  return format as T[number];
}

export function intOption(name: string, value: string | undefined, range: { min: number; max: number }): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < range.min || number > range.max) {
    throw new UsageError(`--${name} must be a whole number from ${range.min} to ${range.max}, got "${value}"`);
  }
  return number;
}

/**
 * Checks the value of a `--X-env` option: the NAME of an environment variable. A value that is not
 * a name is probably the secret itself, typed where the name belongs, so it is never repeated:
 * the message names the option only.
 */
export function envName(option: string, variable: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(variable)) {
    throw new UsageError(`--${option}-env takes the NAME of an environment variable (not the value itself)`);
  }
  return variable;
}

/**
 * A secret from the environment variable named by `--X-env`; never from the command line itself.
 * Messages name the option, not the variable: a secret can look like a name too.
 */
export function secretFromEnv(variable: string, io: Io, what = 'secret'): string {
  const value = io.env[envName(what, variable)];
  if (value === undefined || value === '') throw new CommandError(`the environment variable named by --${what}-env is not set or empty`);
  return value;
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
