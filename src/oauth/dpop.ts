/** DPoP proofs (RFC 9449) for a token request: one key pair per request, and the nonce the server gives. */
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

export class DpopProver {
  /** The server's `DPoP-Nonce`, once it asked for one. */
  nonce: string | undefined;

  private constructor(private readonly privateKey: CryptoKey, private readonly publicJwk: JWK) {}

  static async create(): Promise<DpopProver> {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    return new DpopProver(privateKey, await exportJWK(publicKey));
  }

  /** A proof for one request: `htm`, `htu` (without query and fragment), `iat`, a fresh `jti`, the nonce. */
  proof(method: string, url: string, now: number, jti: string): Promise<string> {
    const htu = url.split(/[?#]/)[0] ?? url;
    return new SignJWT({ htm: method, htu, jti, ...(this.nonce ? { nonce: this.nonce } : {}) })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: this.publicJwk })
      .setIssuedAt(now)
      .sign(this.privateKey);
  }
}
