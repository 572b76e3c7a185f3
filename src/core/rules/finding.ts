/** Findings: what a rule found, where (as a JSON path), with its filled-in message. */
import type { ProfileName } from '../profiles';
import { formatMessage, type RuleCode, ruleFor, severityOf, type Severity } from './catalogue';

/** A path into a JSON value, as jsonc-parser spells it: property names and array indices. */
export type JsonPath = readonly (string | number)[];

/** Which part of a JWT a path points into; plain payload files only have a payload. */
export type JwtPart = 'header' | 'payload';

export interface Finding {
  readonly code: RuleCode;
  readonly severity: Severity;
  readonly message: string;
  /** Where in the payload (or header) the problem is. */
  readonly path: JsonPath;
  readonly part: JwtPart;
  /** The values the message was filled with (never secrets). */
  readonly params: Readonly<Record<string, string | number>>;
  /** Other places that take part, e.g. `iss` when `sub` disagrees with it. */
  readonly related?: readonly { readonly path: JsonPath; readonly message: string }[];
}

/** Collects findings for one profile; rules that do not apply to the profile are dropped. */
export class FindingList {
  readonly items: Finding[] = [];

  constructor(private readonly profile: ProfileName) {}

  add(
    code: RuleCode,
    path: JsonPath,
    params: Readonly<Record<string, string | number>> = {},
    options: { part?: JwtPart; related?: Finding['related'] } = {},
  ): void {
    const rule = ruleFor(code);
    if (rule.profiles && !rule.profiles.includes(this.profile)) return;
    this.items.push({
      code,
      severity: severityOf(rule, this.profile),
      message: formatMessage(rule.message, params),
      path,
      part: options.part ?? 'payload',
      params,
      ...(options.related ? { related: options.related } : {}),
    });
  }
}

/** `$.act.sub` for `['act', 'sub']`, `$[0].aud` for `[0, 'aud']`. */
export function formatPath(path: JsonPath): string {
  return path.reduce<string>(
    (text, segment) =>
      typeof segment === 'number'
        ? `${text}[${segment}]`
        : /^[A-Za-z_$][\w$]*$/.test(segment)
          ? `${text}.${segment}`
          : `${text}[${JSON.stringify(segment)}]`,
    '$',
  );
}

export type JsonRecord = { [key: string]: unknown };

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

/** How a JSON value reads in a message: "missing", "null", "a number", "an empty string"... */
export function kindOf(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.trim() === '' ? 'an empty string' : `the string ${quote(value)}`;
  if (typeof value === 'object') return 'an object';
  // JSON has no infinity, but a number such as 1e999 is read as one.
  if (typeof value === 'number' && !Number.isFinite(value)) return `a number out of range (it reads as ${value})`;
  return `a ${typeof value} (${JSON.stringify(value) ?? typeof value})`;
}

/** A value for a message: JSON, cut at 60 characters. */
export function quote(value: unknown): string {
  const text = value === undefined ? 'missing' : (JSON.stringify(value) ?? typeof value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
