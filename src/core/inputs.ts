/**
 * Reading what users hand the toolkit, shared by the editor and the CLI so both read it the same
 * way: payload files (JSON or JSONC), the kind a file name implies, private keys and verification
 * keys as text, and the assertion template with its refresh.
 */
import type { JSONWebKeySet, JWK } from 'jose';
import { parse as parseJsonc, type ParseError, printParseErrorCode } from 'jsonc-parser';
import { buildAssertion } from './assertion';
import type { Connection } from './connection';
import { connectionUrls } from './connection';
import { InputError, KeyError } from './errors';
import { jsonShapeProblem, MAX_JSON_DEPTH } from './json-guard';
import type { DocumentKind } from './lint';
import { ASSERTION_LIMITS } from './profiles';
import { isRecord, type JsonRecord } from './rules/finding';
import { LineIndex } from './text';

/** `*.assertion.json` holds assertions, `*.token.json` tokens (also `.jsonc`); anything else is guessed per payload. */
export function documentKindOf(fileName: string): DocumentKind {
  if (/\.assertion\.jsonc?$/i.test(fileName)) return 'assertion';
  if (/\.token\.jsonc?$/i.test(fileName)) return 'token';
  return 'auto';
}

/**
 * Parses an assertion payload: one JSON object, comments and trailing commas tolerated.
 * Throws an {@link InputError} that names `what` (a file name, "the payload") and the first
 * syntax error's line and column.
 */
export function parsePayloadText(text: string, what: string): JsonRecord {
  // jsonc-parser recurses per level: nesting is bounded before it reads.
  const deep = jsonShapeProblem(text);
  if (deep) {
    const at = new LineIndex(text).positionAt(deep.offset);
    throw new InputError(`${what} nests JSON deeper than ${MAX_JSON_DEPTH} levels (at line ${at.line + 1}, column ${at.character + 1}); an assertion payload is one flat object`);
  }
  const errors: ParseError[] = [];
  const value: unknown = parseJsonc(text, errors, { allowTrailingComma: true });
  const first = errors[0];
  if (first) {
    const at = new LineIndex(text).positionAt(first.offset);
    throw new InputError(`${what} is not valid JSON: ${printParseErrorCode(first.error)} at line ${at.line + 1}, column ${at.character + 1}`);
  }
  if (!isRecord(value)) throw new InputError(`${what} must hold one JSON object (the assertion payload)`);
  return value;
}

/**
 * A private key given as text: a JWK when the text is JSON (it must have `kty`), else the text
 * itself, for the signer to read as PEM (which names what is wrong with it). `what` names the
 * key's origin in errors.
 */
export function parsePrivateKeyText(text: string, what: string): string | JWK {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return trimmed;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    throw new KeyError(`${what} is neither a PEM key nor valid JSON`);
  }
  if (!isRecord(value) || typeof value.kty !== 'string') throw new KeyError(`${what} is JSON but not a JWK (no "kty")`);
  return value;
}

/** Verification keys given as text: an SPKI PEM, a JWKS (`{"keys": [...]}`) or one public JWK. */
export function parseVerificationKeysText(text: string, what: string): string | JSONWebKeySet | JWK {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) return trimmed;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    throw new KeyError(`${what} is neither a PEM public key nor JSON`);
  }
  if (isRecord(value) && Array.isArray(value.keys)) return value;
  if (isRecord(value) && typeof value.kty === 'string') return value;
  throw new KeyError(`${what} is JSON but neither a JWKS ({"keys": [...]}) nor a JWK`);
}

/** Placeholders of the template where no connection says better; each keeps a rule on until replaced. */
const TEMPLATE_PLACEHOLDERS = {
  clientId: '0oa_REPLACE_WITH_CLIENT_ID',
  tokenEndpoint: 'https://your-org.okta.com/oauth2/aus_REPLACE/v1/token',
  human: { id: '00u_REPLACE_WITH_OKTA_USER_ID', email: 'person@example.com', name: 'Full Name' },
} as const;

/**
 * A new assertion payload, filled from a connection where there is one (its client id, token
 * endpoint, audience convention and first saved human), with placeholders elsewhere.
 */
export function assertionTemplate(connection: Connection | undefined, now: number, jti: string): JsonRecord {
  const urls = connection ? connectionUrls(connection) : undefined;
  return buildAssertion({
    clientId: connection?.clientId ?? TEMPLATE_PLACEHOLDERS.clientId,
    tokenEndpoint: urls?.tokenEndpoint ?? TEMPLATE_PLACEHOLDERS.tokenEndpoint,
    ...(urls ? { issuer: urls.issuer } : {}),
    audienceStyle: connection?.audienceStyle ?? 'token-endpoint',
    human: connection?.humans[0] ?? TEMPLATE_PLACEHOLDERS.human,
    now,
    jti,
  });
}

/**
 * The time claims of a payload made current: `iat` = now, `exp` = now + 300, and `nbf` = now when
 * the payload has one. Used by the refresh quick fix and by signing with a refresh.
 */
export function freshTimes(payload: JsonRecord, now: number): { iat: number; exp: number; nbf?: number } {
  const at = Math.floor(now);
  return { iat: at, exp: at + ASSERTION_LIMITS.conventionalLifetimeSeconds, ...(payload.nbf !== undefined ? { nbf: at } : {}) };
}

/** A copy of the payload ready to sign again: fresh times and a new `jti`. */
export function refreshAssertion(payload: JsonRecord, now: number, jti: string): JsonRecord {
  return { ...payload, ...freshTimes(payload, now), jti };
}
