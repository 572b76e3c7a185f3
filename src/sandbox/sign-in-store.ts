/**
 * What a person's sign-in leaves behind between requests: the authorization request waiting on the
 * sign-in page (a transaction), and the authorization code the browser carries back to the app.
 * Both live in memory, expire, are used once, and are bounded in number so that a flood of
 * requests cannot grow the sandbox without limit.
 */
import { newOpaqueHandle } from './ids';

/** An authorization request the sign-in page answers. */
export interface PendingSignIn {
  readonly serverId: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly state: string | undefined;
  readonly nonce: string | undefined;
  /** PKCE (S256 only). */
  readonly codeChallenge: string;
  /** The agent the person lets act for them (`may_act` of their access token), when the app named one. */
  readonly agent: string | undefined;
  readonly loginHint: string | undefined;
}

/** What an authorization code stands for. */
export interface IssuedCode extends PendingSignIn {
  readonly userId: string;
  /** When the person signed in (seconds). */
  readonly authTime: number;
}

/** How long a person has to fill in the sign-in page. */
export const SIGN_IN_LIFETIME_SECONDS = 600;
/** How long an authorization code may wait for its token request (the sandbox's choice; RFC 6749 says at most 10 minutes). */
export const CODE_LIFETIME_SECONDS = 300;
/** At most this many of each are kept; the oldest go first. */
const CAPACITY = 1000;

/** A map whose entries expire, are taken once, and are capped in number. */
class OneTimeMap<T> {
  private readonly entries = new Map<string, { readonly value: T; readonly expires: number }>();

  constructor(private readonly lifetime: number) {}

  /** Stores a value under a fresh random handle, valid until `now + lifetime`. */
  put(value: T, now: number): string {
    this.prune(now);
    while (this.entries.size >= CAPACITY) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    const handle = newOpaqueHandle();
    this.entries.set(handle, { value, expires: now + this.lifetime });
    return handle;
  }

  /** The value, if the handle is known and current; it stays. */
  peek(handle: string, now: number): T | undefined {
    const entry = this.entries.get(handle);
    if (!entry) return undefined;
    if (entry.expires <= now) {
      this.entries.delete(handle);
      return undefined;
    }
    return entry.value;
  }

  /** The value, if the handle is known and current; either way the handle is gone afterwards. */
  take(handle: string, now: number): T | undefined {
    const value = this.peek(handle, now);
    this.entries.delete(handle);
    return value;
  }

  private prune(now: number): void {
    for (const [handle, entry] of this.entries) if (entry.expires <= now) this.entries.delete(handle);
  }
}

/** The sign-in transactions and authorization codes of one sandbox. */
export class SignInStore {
  readonly pending = new OneTimeMap<PendingSignIn>(SIGN_IN_LIFETIME_SECONDS);
  readonly codes = new OneTimeMap<IssuedCode>(CODE_LIFETIME_SECONDS);
}
