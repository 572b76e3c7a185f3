/**
 * What every Management API route shares (authentication is in `auth.ts`): JSON bodies (bounded, checked,
 * errors in Okta's shape), validation answers (E0000001 with one cause per problem) and `Link`
 * pagination with `limit` and `after`.
 */
import type { IncomingMessage } from 'node:http';
import { parse as parseJsonc, type ParseError, printParseErrorCode } from 'jsonc-parser';
import { jsonShapeProblem, MAX_JSON_DEPTH } from '../../core';
import { apiErrors } from '../errors';
import { BodyTooLargeError, mediaType, readBody, type Reply } from '../http';
import { describeProblem, Reader } from '../reader';

/** JSON bodies larger than this are refused (413). */
const JSON_LIMIT_BYTES = 1024 * 1024;

/** Okta's page sizes: 200 by default and at most. */
const DEFAULT_LIMIT = 200;
const MAX_LIMIT = 200;

/** Reads a JSON request body: `Content-Type: application/json`, at most 1 MiB, well-formed. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = mediaType(req);
  if (type !== 'application/json' && !type.endsWith('+json')) {
    throw apiErrors.unsupportedMediaType(`Content-Type must be application/json, got "${type || 'none'}"`);
  }
  let body: Buffer;
  try {
    body = await readBody(req, JSON_LIMIT_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw apiErrors.malformedBody(`The body is larger than ${error.limit} bytes.`, 413);
    throw error;
  }
  let text: string;
  try {
    text = UTF8.decode(body);
  } catch {
    throw apiErrors.malformedBody('The request body is not valid UTF-8.');
  }
  if (!text.trim()) throw apiErrors.malformedBody('The request body is empty.');
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    // The syntax error is described by a recursive parser: nesting is bounded first.
    throw apiErrors.malformedBody(jsonShapeProblem(text) ? tooDeep() : describeJsonError(text));
  }
  // Stored values are serialized again for every answer (recursively): refuse what cannot be.
  if (jsonShapeProblem(text)) throw apiErrors.malformedBody(tooDeep());
  return value;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function tooDeep(): string {
  return `The body nests deeper than ${MAX_JSON_DEPTH} levels.`;
}

/** Names the first JSON syntax error by its offset, never quoting the body (it may hold a secret). */
function describeJsonError(text: string): string {
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  return first ? `Invalid JSON: ${printParseErrorCode(first.error)} at character ${first.offset}.` : 'Invalid JSON.';
}

/** Runs a shape reader over a body; any problem answers 400 E0000001 listing them all. */
export function validate<T>(body: unknown, read: (reader: Reader) => T): T {
  const reader = new Reader(body);
  const value = read(reader);
  throwProblems(reader);
  return value;
}

/** Answers 400 E0000001 when a reader collected problems. */
function throwProblems(reader: Reader): void {
  const [first] = reader.problems;
  if (first) throw apiErrors.validation(first.path || 'body', reader.problems.map(describeProblem));
}

/** 400 E0000001 for one field. */
export function fieldProblem(field: string, message: string): never {
  throw apiErrors.validation(field, [`${field}: ${message}`]);
}

/**
 * One page of a list, with Okta's `Link` headers (absolute URLs): `rel="self"`, and
 * `rel="next"` with an `after` cursor (the last item's id) when more items follow. An unknown
 * cursor gives an empty page.
 */
export function page<T>(items: readonly T[], idOf: (item: T) => string, render: (item: T) => unknown, url: URL, orgUrl: string): Reply {
  const limit = parseLimit(url.searchParams.get('limit'));
  const after = url.searchParams.get('after');
  let start = 0;
  if (after !== null) {
    const index = items.findIndex((item) => idOf(item) === after);
    start = index < 0 ? items.length : index + 1;
  }
  const slice = items.slice(start, start + limit);
  const links = [`<${orgUrl}${url.pathname}${url.search}>; rel="self"`];
  const last = slice.at(-1);
  if (last !== undefined && start + limit < items.length) {
    const next = new URLSearchParams(url.searchParams);
    next.set('after', idOf(last));
    next.set('limit', String(limit));
    links.push(`<${orgUrl}${url.pathname}?${next.toString()}>; rel="next"`);
  }
  return { status: 200, body: slice.map(render), headers: { Link: links } };
}

function parseLimit(value: string | null): number {
  if (value === null || value === '') return DEFAULT_LIMIT;
  const number = Number(value);
  if (!Number.isInteger(number)) throw apiErrors.validation('limit', [`limit: must be a whole number, got "${value.slice(0, 20)}"`]);
  return Math.min(Math.max(number, 1), MAX_LIMIT);
}

/** A 200 answer with a JSON body. */
export function ok(body: unknown, status = 200): Reply {
  return { status, body };
}

/** A 204 answer. */
export function noContent(): Reply {
  return { status: 204 };
}
