/** Errors of Okta management. */
import { AgbacError } from '../core';

/** A Management API call failed; the message says what and what to do. */
export class ManagementError extends AgbacError {
  static override readonly code = 'ERR_MANAGEMENT';
  override readonly code = 'ERR_MANAGEMENT';

  constructor(
    message: string,
    readonly status: number | undefined,
    readonly errorCode: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
