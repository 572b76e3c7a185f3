/**
 * Decoding compact JWS/JWT text without verifying it, step by step, so that each failure says
 * exactly what is wrong and where (segment count, a bad base64url character at offset N, invalid
 * UTF-8 or JSON, a header or payload that is not an object).
 *
 * Two things `JSON.parse` lets through are refused here, because a token must read the same to
 * every party: a member name that appears twice in the header or the payload (RFC 7515 §4 and
 * RFC 7519 §4 let a parser either refuse it or keep the last one; a verifier that keeps one while
 * another component keeps the other sees a different token), and nesting deeper than
 * {@link MAX_JSON_DEPTH}.
 */
import { base64url } from 'jose';
import { parse as parseJsonc, type ParseError, printParseErrorCode } from 'jsonc-parser';
import { JwtDecodeError } from './errors';
import { jsonShapeProblem, MAX_JSON_DEPTH, parsedShapeProblem } from './json-guard';
import { quote } from './rules/finding';

/** One of the three dot-separated parts of a compact JWT, with its place in the token text. */
export interface JwtSegment {
  readonly text: string;
  /** 0-based offset of the first character in the token text. */
  readonly start: number;
  /** 0-based offset just past the last character. */
  readonly end: number;
}

export type JsonObject = { [key: string]: unknown };

export interface DecodedJwt {
  readonly header: JsonObject;
  readonly payload: JsonObject;
  readonly segments: { readonly header: JwtSegment; readonly payload: JwtSegment; readonly signature: JwtSegment };
  /** The exact text that was decoded. */
  readonly token: string;
}

export type JwtParseResult = { ok: true; jwt: DecodedJwt } | { ok: false; error: JwtDecodeError };

const BASE64URL_CHAR = /[^A-Za-z0-9_-]/;
const SEGMENT_NAMES = ['header', 'payload', 'signature'] as const;

/**
 * Decodes a compact JWT (`header.payload.signature`) without verifying its signature.
 * Never throws: a failure comes back as a {@link JwtDecodeError} naming the failed step.
 *
 * @example
 * const result = parseJwt(text);
 * if (result.ok) console.log(result.jwt.payload.sub);
 * else console.log(result.error.message); // e.g. "payload: invalid base64url character '+' at offset 41"
 */
export function parseJwt(input: unknown): JwtParseResult {
  try {
    return { ok: true, jwt: decodeJwt(input) };
  } catch (error) {
    if (error instanceof JwtDecodeError) return { ok: false, error };
    throw error;
  }
}

/**
 * Decodes a compact JWT without verifying it; throws a {@link JwtDecodeError} on any failure.
 * Surrounding white space is an error (it is not part of a compact JWT).
 */
export function decodeJwt(input: unknown): DecodedJwt {
  const { header, segments, token } = decodeJwtHeader(input);
  const payload = decodeJsonSegment(segments.payload, 'payload');
  return { header, payload, segments, token };
}

/**
 * The first steps of {@link decodeJwt}: the segments (each checked as base64url) and the header.
 * A verifier reads the header before the signature, and the payload from the bytes the signature
 * check decoded ({@link decodeJwtPayload}), so nothing is decoded twice.
 */
export function decodeJwtHeader(input: unknown): Omit<DecodedJwt, 'payload'> {
  if (typeof input !== 'string') {
    throw new JwtDecodeError('not-a-string', `a JWT is a string, got ${input === null ? 'null' : typeof input}`);
  }
  const parts = input.split('.');
  if (parts.length !== 3) {
    const hint = parts.length === 5 ? ' (5 parts is an encrypted JWE, which this toolkit does not decrypt)' : '';
    throw new JwtDecodeError(
      'segment-count',
      `a compact JWT has 3 dot-separated segments, this text has ${parts.length}${hint}`,
    );
  }
  let offset = 0;
  const segments = parts.map((text) => {
    const segment = { text, start: offset, end: offset + text.length };
    offset = segment.end + 1;
    return segment;
  }) as [JwtSegment, JwtSegment, JwtSegment];

  segments.forEach((segment, index) => checkBase64url(segment, SEGMENT_NAMES[index] ?? 'signature'));
  const header = decodeJsonSegment(segments[0], 'header');
  return { header, segments: { header: segments[0], payload: segments[1], signature: segments[2] }, token: input };
}

/**
 * The payload of a token whose header {@link decodeJwtHeader} read, from its bytes when the
 * caller has them already (a signature check decodes them); with the same checks as
 * {@link decodeJwt} (UTF-8, JSON, no repeated member, bounded nesting, an object).
 */
export function decodeJwtPayload(jwt: Omit<DecodedJwt, 'payload'>, bytes?: Uint8Array): DecodedJwt {
  const segment = jwt.segments.payload;
  const payload = bytes ? jsonObjectOf(bytes, segment, 'payload') : decodeJsonSegment(segment, 'payload');
  return { header: jwt.header, payload, segments: jwt.segments, token: jwt.token };
}

/** True when the text has the shape of a compact JWS whose header starts `{"` (base64url `eyJ`). */
export function looksLikeJwt(text: string): boolean {
  return /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/.test(text);
}

function checkBase64url(segment: JwtSegment, name: (typeof SEGMENT_NAMES)[number]): void {
  if (segment.text.length === 0 && name !== 'signature') {
    throw new JwtDecodeError('base64url', `${name}: the segment is empty`, { segment: name, position: segment.start });
  }
  const bad = BASE64URL_CHAR.exec(segment.text);
  if (bad) {
    const char = bad[0];
    const position = segment.start + bad.index;
    const hint =
      char === '=' ? ' (base64url has no padding)' : char === '+' || char === '/' ? ' (standard base64, not base64url)' : '';
    throw new JwtDecodeError(
      'base64url',
      `${name}: invalid base64url character ${JSON.stringify(char)} at offset ${position}${hint}`,
      { segment: name, position },
    );
  }
  if (segment.text.length % 4 === 1) {
    throw new JwtDecodeError(
      'base64url',
      `${name}: ${segment.text.length} base64url characters cannot encode whole bytes (truncated?)`,
      { segment: name, position: segment.end },
    );
  }
}

function decodeJsonSegment(segment: JwtSegment, name: 'header' | 'payload'): JsonObject {
  let bytes: Uint8Array;
  try {
    bytes = base64url.decode(segment.text);
  } catch (cause) {
    throw new JwtDecodeError('base64url', `${name}: the segment does not decode as base64url`, { segment: name, position: segment.start, cause });
  }
  return jsonObjectOf(bytes, segment, name);
}

/** Strict UTF-8: a byte sequence that is no UTF-8 throws instead of becoming U+FFFD. Stateless between calls. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

function jsonObjectOf(bytes: Uint8Array, segment: JwtSegment, name: 'header' | 'payload'): JsonObject {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch (cause) {
    throw new JwtDecodeError('utf8', `${name}: the decoded bytes are not UTF-8 text`, {
      segment: name,
      position: segment.start,
      cause,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    // The syntax error is described by a recursive parser, so deep nesting is named first.
    const deep = jsonShapeProblem(text);
    throw deep
      ? tooDeep(segment, name)
      : new JwtDecodeError('json', `${name}: decoded text is not JSON (${describeJsonError(text)})`, {
          segment: name,
          position: segment.start,
          cause,
        });
  }
  const problem = parsedShapeProblem(text, value);
  if (problem?.kind === 'too-deep') throw tooDeep(segment, name);
  if (problem?.kind === 'duplicate-member') {
    throw new JwtDecodeError(
      'duplicate-member',
      `${name}: the member ${quote(problem.name)} appears more than once; readers disagree on which one counts, so the token is refused`,
      { segment: name, position: segment.start },
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw new JwtDecodeError('not-object', `${name}: must be a JSON object, it is ${kind}`, {
      segment: name,
      position: segment.start,
    });
  }
  return value as JsonObject;
}

function tooDeep(segment: JwtSegment, name: 'header' | 'payload'): JwtDecodeError {
  return new JwtDecodeError('too-deep', `${name}: JSON nested deeper than ${MAX_JSON_DEPTH} levels`, { segment: name, position: segment.start });
}

/** Names the first JSON syntax error and its offset in the decoded text. */
function describeJsonError(text: string): string {
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return 'not strict JSON';
  return `${printParseErrorCode(first.error)} at character ${first.offset} of the decoded text`;
}

/** A token as it may appear in logs and output: its first 8 and last 6 characters. */
export function redactToken(token: string): string {
  const text = token.trim();
  if (text.length <= 20) return '…';
  return `${text.slice(0, 8)}…${text.slice(-6)}`;
}
