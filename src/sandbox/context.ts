/** What every route of the sandbox shares. */
import type { KeyRing } from './keys';
import type { Org } from './org';
import type { SignInStore } from './sign-in-store';

export interface SandboxContext {
  readonly org: Org;
  /** The org URL without a trailing slash (`http://127.0.0.1:PORT`), known once the server listens. */
  readonly orgUrl: () => string;
  /** Also accept the issuer URL as a client assertion's audience (the setup guide's convention). */
  readonly acceptIssuerAudience: boolean;
  /** The Management API token (`Authorization: SSWS <token>`). */
  readonly apiToken: string;
  /** The org authorization server's signing keys (separate from every custom server's). */
  readonly orgKeys: KeyRing;
  /** How long a token inline hook may take (Okta: 3 s). */
  readonly hookTimeoutMs: number;
  /** Extra trusted CA certificates (PEM) for hooks served over https with a local certificate. */
  readonly hookCa: string | undefined;
  /** Sign-in transactions and authorization codes waiting to be used. */
  readonly signIns: SignInStore;
  /** One line per request and per hook call (never a secret). */
  readonly log: ((line: string) => void) | undefined;
}
