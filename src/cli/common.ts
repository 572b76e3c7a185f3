/** What every `agbac` command shares: argument parsing, input, exit codes, one-line errors. */
import { readFile, stat } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AgbacError, isAudienceStyle, isAuthMethod, isProfileName, messageOf, parseIsoTime } from '../core';

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
    const message = messageOf(error).replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError(message);
  }
}

/** Reads a file, or standard input for `-`. */
export async function readInput(source: string, io: Io): Promise<string> {
  if (source === '-') return io.stdin();
  try {
    return await readFile(source, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : code === 'EACCES' ? 'permission denied' : String(code ?? error);
    throw new CommandError(`cannot read ${source}: ${reason}`);
  }
}

/** A token given inline, as `-` (stdin), or as the path of a file holding it. */
export async function readToken(value: string, io: Io): Promise<string> {
  if (value === '-') return (await io.stdin()).trim();
  const isFile = await stat(value).then((info) => info.isFile(), () => false);
  return isFile ? (await readInput(value, io)).trim() : value.trim();
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

/** A secret from the environment variable named by an option; never from the command line itself. */
export function secretFromEnv(variable: string, io: Io, what = 'secret'): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
    throw new UsageError(`--${what}-env takes the NAME of an environment variable (not the value itself)`);
  }
  const value = io.env[variable];
  if (value === undefined || value === '') throw new CommandError(`the environment variable ${variable} is not set or empty`);
  return value;
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
