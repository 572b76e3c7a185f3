/**
 * The agent's verification key for its act assertion. `client_secret_jwt` agents sign with the
 * client secret, which the hook is configured with; `private_key_jwt` agents sign with a private
 * key whose public JWK is registered with their app, read through the Management API and cached.
 * An unknown `kid` refreshes the cache (the agent may have just rotated its key), at most once per
 * cooldown, so forged kids cannot make the hook hammer the Management API.
 */
import { type CryptoKey, importJWK, type JWK } from 'jose';
import { ASSERTION_ALGORITHMS, authMethodForAlgorithm, messageOf } from '../core';
import type { App, OrgApi } from '../okta';
import { HookRefusal } from './errors';

export interface AgentKeyOptions {
  /** The Management API, for registered public keys and the app's client authentication method. */
  readonly org?: OrgApi;
  /** The client secret of the `client_secret_jwt` agent. */
  readonly clientSecret?: string;
  /** The clock in seconds. */
  readonly now: () => number;
  /** How long an app's keys are trusted without a new look-up; default 300 s. */
  readonly cacheSeconds?: number;
  /** Least time between two look-ups of one app; default 30 s. */
  readonly cooldownSeconds?: number;
}

interface CachedApp {
  readonly app: App | undefined;
  readonly fetchedAt: number;
}

/** Every algorithm an act assertion may use: what Okta accepts for client assertions. */
export const ACT_ALGORITHMS: readonly string[] = [...ASSERTION_ALGORITHMS.client_secret_jwt, ...ASSERTION_ALGORITHMS.private_key_jwt];

export class AgentKeys {
  private readonly apps = new Map<string, CachedApp>();
  private readonly pending = new Map<string, Promise<CachedApp>>();

  constructor(private readonly options: AgentKeyOptions) {}

  /** The key that verifies an act assertion of `clientId` signed with `alg` (and `kid`). */
  async keyFor(clientId: string, alg: string, kid: string | undefined): Promise<Uint8Array | CryptoKey> {
    const method = authMethodForAlgorithm(alg);
    if (!method) throw new HookRefusal('forged', `The act assertion's algorithm ${JSON.stringify(alg).slice(0, 40)} is not one Okta accepts for the agent's credential.`);
    if (method === 'client_secret_jwt') return this.secretKey(clientId);
    return this.publicKey(clientId, alg, kid);
  }

  private async secretKey(clientId: string): Promise<Uint8Array> {
    const secret = this.options.clientSecret;
    if (!secret) {
      throw new HookRefusal('forged', 'The act assertion is signed with a client secret, and this hook has none configured (client_secret_jwt).');
    }
    if (this.options.org) {
      // A private_key_jwt agent must prove itself with its key, not with a secret someone else configured.
      const { app } = await this.lookUp(clientId, false);
      const method = app?.credentials?.oauthClient?.token_endpoint_auth_method;
      if (method === 'private_key_jwt') {
        throw new HookRefusal('forged', 'The act assertion is signed with a client secret, but the agent app authenticates with private_key_jwt: sign it with the private key.');
      }
    }
    return new TextEncoder().encode(secret);
  }

  private async publicKey(clientId: string, alg: string, kid: string | undefined): Promise<CryptoKey> {
    if (!this.options.org) {
      throw new HookRefusal('forged', "The act assertion is signed with a private key, and this hook cannot read the app's registered keys (give it the Management API).");
    }
    if (!kid) throw new HookRefusal('forged', "The act assertion has no kid: name the registered key it is signed with.");
    let entry = await this.lookUp(clientId, false);
    let jwk = findKey(entry.app, kid);
    if (!jwk) {
      entry = await this.lookUp(clientId, true);
      jwk = findKey(entry.app, kid);
    }
    if (!entry.app) throw new HookRefusal('forged', 'The agent app is not in this org, so its registered keys cannot be read.');
    if (!jwk) throw new HookRefusal('forged', "The act assertion's kid names no public key registered with the agent app.");
    try {
      const key = await importJWK({ ...jwk, alg }, alg);
      if (key instanceof Uint8Array) throw new TypeError('a symmetric JWK is registered as a public key');
      return key;
    } catch (error) {
      throw new HookRefusal('forged', `The registered key ${kid.slice(0, 64)} cannot verify ${alg}: ${messageOf(error)}`, { cause: error });
    }
  }

  /** The app, from the cache or the Management API; `refresh` asks for a new look-up (honouring the cooldown). */
  private async lookUp(clientId: string, refresh: boolean): Promise<CachedApp> {
    const now = this.options.now();
    const cached = this.apps.get(clientId);
    const maxAge = this.options.cacheSeconds ?? 300;
    const cooldown = this.options.cooldownSeconds ?? 30;
    if (cached && now - cached.fetchedAt < (refresh ? cooldown : maxAge)) return cached;
    const running = this.pending.get(clientId);
    if (running) return running;
    const org = this.options.org;
    if (!org) return { app: undefined, fetchedAt: now };
    const lookUp = (async () => {
      try {
        const app = await org.getApplication(clientId);
        const entry = { app, fetchedAt: this.options.now() };
        this.apps.set(clientId, entry);
        return entry;
      } catch (error) {
        throw new HookRefusal('unavailable', 'The hook could not read the agent app through the Management API; try again.', { cause: error, detail: messageOf(error) });
      } finally {
        this.pending.delete(clientId);
      }
    })();
    this.pending.set(clientId, lookUp);
    return lookUp;
  }
}

function findKey(app: App | undefined, kid: string): JWK | undefined {
  return app?.settings?.oauthClient?.jwks?.keys?.find((key) => key.kid === kid);
}
