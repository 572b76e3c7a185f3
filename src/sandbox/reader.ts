/**
 * Reading untrusted JSON (a `--seed` file, a Management API body) field by field. Every problem
 * is collected with its path (`conditions.clients.include`, `apps[0].label`) instead of
 * stopping at the first, so one answer can name them all.
 */
import { isRecord, type JsonRecord } from '../core';

export interface Problem {
  /** Where, e.g. `settings.oauthClient.grant_types` or `apps[1].label`. */
  readonly path: string;
  readonly message: string;
}

/** `"<path>: <message>"`. */
export function describeProblem(problem: Problem): string {
  return problem.path ? `${problem.path}: ${problem.message}` : problem.message;
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/** A cursor on one JSON value and its path, sharing one problem list with its children. */
export class Reader {
  constructor(
    readonly value: unknown,
    readonly path: string = '',
    readonly problems: Problem[] = [],
  ) {}

  /** The value as an object, or `{}` when it is not one (see {@link expectObject}). */
  get record(): JsonRecord {
    if (isRecord(this.value)) return this.value;
    return {};
  }

  /** Records a problem unless the value is an object; true when it is. */
  expectObject(what = 'an object'): boolean {
    if (isRecord(this.value)) return true;
    this.problem(`must be ${what}`);
    return false;
  }

  get ok(): boolean {
    return this.problems.length === 0;
  }

  has(key: string): boolean {
    return this.record[key] !== undefined && this.record[key] !== null;
  }

  /** The member `key`; an absent member reads as undefined. */
  child(key: string | number): Reader {
    const value = typeof key === 'number' ? (Array.isArray(this.value) ? (this.value as unknown[])[key] : undefined) : this.record[key];
    return new Reader(value, join(this.path, key), this.problems);
  }

  /** A nested object that may be absent (reads as `{}`), e.g. `conditions.clients`. */
  object(key: string): Reader {
    const child = this.child(key);
    if (child.value !== undefined && child.value !== null && !isRecord(child.value)) child.problem('must be an object');
    return child;
  }

  problem(message: string, key?: string | number): void {
    this.problems.push({ path: key === undefined ? this.path : join(this.path, key), message });
  }

  string(key: string, options: { required?: boolean; fallback?: string; trim?: boolean; noSpaces?: boolean } = {}): string | undefined {
    const value = this.record[key];
    if (value === undefined || value === null || (options.required && value === '')) {
      if (options.required) this.problem('The field cannot be left blank', key);
      return options.fallback;
    }
    if (typeof value !== 'string') {
      this.problem(`must be a string, got ${kind(value)}`, key);
      return options.fallback;
    }
    const text = options.trim === false ? value : value.trim();
    if (options.required && !text) {
      this.problem('The field cannot be left blank', key);
      return options.fallback;
    }
    if (options.noSpaces && /\s/.test(text)) this.problem('must not contain white space', key);
    return text;
  }

  oneOf<const T extends string>(key: string, allowed: readonly T[], fallback: T): T;
  oneOf<const T extends string>(key: string, allowed: readonly T[], fallback?: undefined): T | undefined;
  oneOf<const T extends string>(key: string, allowed: readonly T[], fallback?: T): T | undefined {
    const value = this.record[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.problem(`'${key}' is invalid. Valid values: [${allowed.join(', ')}].`, key);
      return fallback;
    }
    return value as T;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.record[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') {
      this.problem(`must be true or false, got ${kind(value)}`, key);
      return fallback;
    }
    return value;
  }

  integer(key: string, range: { min: number; max: number }, fallback: number): number;
  integer(key: string, range: { min: number; max: number }, fallback?: undefined): number | undefined;
  integer(key: string, range: { min: number; max: number }, fallback?: number): number | undefined {
    const value = this.record[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max) {
      this.problem(`must be a whole number from ${range.min} to ${range.max}, got ${JSON.stringify(value)}`, key);
      return fallback;
    }
    return value;
  }

  /** An array of strings; `required` means present and not empty. */
  strings(key: string, options: { required?: boolean; allowed?: readonly string[]; fallback?: string[] } = {}): string[] {
    const value = this.record[key];
    const fallback = options.fallback ?? [];
    if (value === undefined || value === null) {
      if (options.required) this.problem('The field cannot be left blank', key);
      return fallback;
    }
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || !item.trim())) {
      this.problem('must be an array of non-empty strings', key);
      return fallback;
    }
    const items = (value as string[]).map((item) => item.trim());
    if (options.required && items.length === 0) {
      this.problem('must not be empty', key);
      return fallback;
    }
    const allowed = options.allowed;
    if (allowed) {
      const bad = items.filter((item) => !allowed.includes(item));
      if (bad.length) {
        this.problem(`${bad.map((item) => `'${item}'`).join(', ')} invalid. Valid values: [${allowed.join(', ')}].`, key);
        return fallback;
      }
    }
    return [...new Set(items)];
  }

  /** The elements of an array member (absent: none). */
  items(key: string): Reader[] {
    const value = this.record[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.problem('must be an array', key);
      return [];
    }
    const list = this.child(key);
    return value.map((_, index) => list.child(index));
  }
}

/** A short name of a JSON value's type, for messages. */
function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'string' ? 'a string' : typeof value === 'number' ? 'a number' : typeof value === 'boolean' ? 'a boolean' : typeof value;
}
