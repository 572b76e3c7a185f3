/** Errors of the hook service: its configuration, and the refusals it answers Okta with. */
import { AgbacError } from '../core';

/** Why the hook cannot vouch for the human. Each becomes an `error` answer that stops issuance. */
export type RefusalReason =
  | 'bad-request'
  | 'missing-assertion'
  | 'malformed-assertion'
  | 'forged'
  | 'wrong-client'
  | 'wrong-audience'
  | 'expired'
  | 'not-yet-valid'
  | 'too-long'
  | 'no-jti'
  | 'replayed'
  | 'no-human'
  | 'no-delegation'
  | 'unknown-human'
  | 'inactive-human'
  | 'not-in-group'
  | 'unavailable';

/**
 * The hook refuses to vouch for the human. Its message is the `errorSummary` Okta hands the agent
 * as `error_description`; it never holds a secret, a token or an email.
 */
export class HookRefusal extends AgbacError {
  static override readonly code = 'ERR_HOOK_REFUSED';
  override readonly code = 'ERR_HOOK_REFUSED';

  /** What the operator should know (for the audit log, not for Okta): never a secret or a token. */
  readonly detail: string | undefined;

  constructor(
    readonly reason: RefusalReason,
    message: string,
    options?: { cause?: unknown; detail?: string },
  ) {
    super(message, options);
    this.detail = options?.detail;
  }
}

/** What went wrong in setting up or starting the hook service. */
export type HookErrorCode = 'ERR_HOOK_CONFIG' | 'ERR_HOOK_LISTEN' | 'ERR_HOOK_TLS';

/** The hook service cannot run as configured (no way to authenticate Okta, a port in use, unusable TLS files). */
export class HookError extends AgbacError {
  static override readonly code = 'ERR_HOOK';
  override readonly code: HookErrorCode;

  constructor(code: HookErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
