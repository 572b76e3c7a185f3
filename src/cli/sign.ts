/** `agbac sign`: sign an assertion payload file into a compact JWT. */
import {
  authMethodOf,
  checkAssertionHeader,
  checkAssertionPayload,
  decodeJwt,
  type JsonRecord,
  parsePayloadText,
  refreshAssertion,
  signAssertion,
  SigningError,
} from '../core';
import { type Command, CommandError, EXIT, type Io, parse, readInput, UsageError } from './common';
import { signingCredential } from './keys';

export const signCommand: Command = {
  usage: `agbac sign <payload.json|-> (--secret-env VAR | --key FILE [--kid KID]) [--alg ALG] [--refresh]

Signs a client assertion payload and prints the compact JWT on standard output.
  --secret-env VAR   the client secret is in environment variable VAR (client_secret_jwt, HS256 by default)
  --key FILE         a PKCS#8 PEM or JWK private key (private_key_jwt; RS256, or ES256/384/512 by curve)
  --kid KID          the key id Okta knows the public key by (default: the JWK's kid)
  --alg ALG          HS256|HS384|HS512 with a secret; RS256|RS384|RS512|ES256|ES384|ES512 with a key
  --refresh          set iat (and nbf, when present) to now, exp to now + 300 and a new random jti before signing

Problems the linter finds are reported on standard error; the payload is signed regardless.`,
  async run(args, io) {
    const { values, positionals } = parse(args, {
      'secret-env': { type: 'string' },
      key: { type: 'string' },
      kid: { type: 'string' },
      alg: { type: 'string' },
      refresh: { type: 'boolean' },
    });
    const [source, ...extra] = positionals;
    if (!source || extra.length) throw new UsageError('give exactly one payload file, or - for standard input');
    const credential = await signingCredential({ secretEnv: values['secret-env'], key: values.key, kid: values.kid }, io);
    const now = io.now();
    const read = parsePayloadText(await readInput(source, io), source === '-' ? 'standard input' : source);
    const payload = values.refresh ? refreshAssertion(read, now, crypto.randomUUID()) : read;
    let token: string;
    try {
      token = await signAssertion(payload, credential, values.alg ? { alg: values.alg } : {});
    } catch (error) {
      if (error instanceof SigningError) throw new CommandError(error.message, { cause: error });
      throw error;
    }
    warn(token, payload, authMethodOf(credential), now, io);
    io.out(token);
    return EXIT.ok;
  },
};

function warn(token: string, payload: JsonRecord, authMethod: ReturnType<typeof authMethodOf>, now: number, io: Io): void {
  const findings = [
    ...checkAssertionHeader(decodeJwt(token).header, { authMethod }),
    ...checkAssertionPayload(payload, { now, authMethod }),
  ].filter((finding) => finding.severity !== 'info');
  for (const finding of findings) io.err(`${finding.severity}: ${finding.code} ${finding.message}`);
}
