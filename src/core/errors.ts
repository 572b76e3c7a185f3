/**
 * The toolkit's error contract.
 *
 * Every failure a user can cause (bad input, a refused URL, an unusable key, a server that
 * answers badly) is an {@link AgbacError} with a literal `code`, written on the class the way jose
 * writes its errors: `static readonly code` for callers that test a class, `code` on the instance
 * for callers that only hold the value. A `TypeError` means a programming mistake, never bad input.
 *
 * Callers branch on `error instanceof AgbacError` (show `error.message` as it is) or on `error.code`.
 * The classes of every layer are listed in docs/architecture.md ("Errors"); a unit test keeps that
 * list complete.
 */

/** Base class of every error the toolkit raises on purpose. Its message is fit to show as is. */
export class AgbacError extends Error {
  static readonly code: string = 'ERR_AGBAC';
  readonly code: string = 'ERR_AGBAC';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Which step of JWT decoding failed. */
export type JwtDecodeFailure = 'not-a-string' | 'segment-count' | 'base64url' | 'utf8' | 'json' | 'not-object' | 'duplicate-member' | 'too-deep';

const JWT_DECODE_CODES = {
  'not-a-string': 'ERR_JWT_NOT_A_STRING',
  'segment-count': 'ERR_JWT_SEGMENT_COUNT',
  base64url: 'ERR_JWT_BASE64URL',
  utf8: 'ERR_JWT_UTF8',
  json: 'ERR_JWT_JSON',
  'not-object': 'ERR_JWT_NOT_OBJECT',
  'duplicate-member': 'ERR_JWT_DUPLICATE_MEMBER',
  'too-deep': 'ERR_JWT_TOO_DEEP',
} as const satisfies Record<JwtDecodeFailure, string>;

/** A compact JWT could not be decoded. `position` is a 0-based offset into the token text. */
export class JwtDecodeError extends AgbacError {
  static override readonly code = 'ERR_JWT_DECODE';
  override readonly code: (typeof JWT_DECODE_CODES)[JwtDecodeFailure];
  readonly failure: JwtDecodeFailure;
  readonly segment: 'header' | 'payload' | 'signature' | undefined;
  readonly position: number | undefined;

  constructor(
    failure: JwtDecodeFailure,
    message: string,
    details: { segment?: 'header' | 'payload' | 'signature'; position?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
    this.code = JWT_DECODE_CODES[failure];
    this.failure = failure;
    this.segment = details.segment;
    this.position = details.position;
  }
}

/** A payload could not be signed (bad key, secret too short, unsupported algorithm). */
export class SigningError extends AgbacError {
  static override readonly code = 'ERR_SIGNING';
  override readonly code = 'ERR_SIGNING';
}

/** A key, key file or key set given by the user cannot be used (for signing or for verifying). */
export class KeyError extends AgbacError {
  static override readonly code = 'ERR_KEY';
  override readonly code = 'ERR_KEY';
}

/** A URL given by the user is not one the toolkit may use (not a URL, not http(s), plain http off loopback). */
export class UrlError extends AgbacError {
  static override readonly code = 'ERR_URL';
  override readonly code = 'ERR_URL';
}

/** A payload, a connection or another input document is not what it must be (bad JSON, wrong shape, out of range). */
export class InputError extends AgbacError {
  static override readonly code = 'ERR_INPUT';
  override readonly code = 'ERR_INPUT';
}

/** The message of anything thrown, for one-line reports. The one place that reads it. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
