/**
 * Errors raised by the core. Every error has a stable `code` so callers (the CLI, the editor,
 * the sandbox) can react to the kind of failure without parsing messages.
 */

/** Base class of every error the toolkit raises on purpose. */
export class AgbacError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Which step of JWT decoding failed. */
export type JwtDecodeFailure = 'not-a-string' | 'segment-count' | 'base64url' | 'utf8' | 'json' | 'not-object';

/** A compact JWT could not be decoded. `position` is a 0-based offset into the token text. */
export class JwtDecodeError extends AgbacError {
  readonly failure: JwtDecodeFailure;
  readonly segment: 'header' | 'payload' | 'signature' | undefined;
  readonly position: number | undefined;

  constructor(
    failure: JwtDecodeFailure,
    message: string,
    details: { segment?: 'header' | 'payload' | 'signature'; position?: number; cause?: unknown } = {},
  ) {
    super(`ERR_JWT_${failure.toUpperCase().replace('-', '_')}`, message, { cause: details.cause });
    this.failure = failure;
    this.segment = details.segment;
    this.position = details.position;
  }
}

/** A payload could not be signed (bad key, secret too short, unsupported algorithm). */
export class SigningError extends AgbacError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_SIGNING', message, options);
  }
}

/** A key or key set given for verification could not be used. */
export class KeyError extends AgbacError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_KEY', message, options);
  }
}

/** The message of anything thrown, for one-line reports. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
