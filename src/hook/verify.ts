/**
 * Verifying an act assertion: the short-lived JWT the agent signed to name its human. The
 * signature comes first (with the key of the client Okta authenticated), then every claim, each
 * failure with its own summary; the `jti` is used up only once everything else holds.
 */
import { compactVerify, decodeProtectedHeader, errors as joseErrors } from 'jose';
import {
  ACT_ASSERTION_LIMITS,
  checkAssertionPayload,
  isRecord,
  type JsonRecord,
  looksLikeUserId,
  messageOf,
  parseUrl,
  type ProfileName,
} from '../core';
import { ACT_ALGORITHMS, type AgentKeys } from './agent-keys';
import { HookRefusal } from './errors';
import type { ReplayStore } from './replay';

/** Act assertions are small (act.sub only); anything this long is not one. */
const MAX_ASSERTION_LENGTH = 8 * 1024;

export interface ActAssertionContext {
  readonly keys: AgentKeys;
  readonly replay: ReplayStore;
  /** This hook's URL: the only audience accepted. */
  readonly hookUrl: string;
  /** The client Okta authenticated (`data.context.protocol.client.id`): the only issuer accepted. */
  readonly clientId: string;
  /** Seconds since the epoch. */
  readonly now: number;
  readonly clockSkewSeconds: number;
  readonly profile: ProfileName;
}

/** What a verified act assertion vouches for. */
export interface VouchedAct {
  readonly clientId: string;
  readonly jti: string;
  /** The human's Okta user id. */
  readonly human: string;
  /** With the agbac-1.0 profile: `delegation`, `agbac_ver` and (when given) `delegation_expiry`, checked. */
  readonly delegation: JsonRecord | undefined;
}

/** Verifies an act assertion; throws a {@link HookRefusal} naming what is wrong. */
export async function verifyActAssertion(jwt: string, context: ActAssertionContext): Promise<VouchedAct> {
  if (jwt.length > MAX_ASSERTION_LENGTH) throw new HookRefusal('malformed-assertion', `The act assertion is longer than ${MAX_ASSERTION_LENGTH} characters; it carries act.sub only.`);
  let header;
  try {
    header = decodeProtectedHeader(jwt);
  } catch {
    throw new HookRefusal('malformed-assertion', 'The act assertion is not a readable JWT.');
  }
  const alg = typeof header.alg === 'string' ? header.alg : '';
  if (!ACT_ALGORITHMS.includes(alg)) {
    throw new HookRefusal('forged', `The act assertion's algorithm ${JSON.stringify(header.alg ?? null).slice(0, 40)} is not one Okta accepts for the agent's credential.`);
  }
  const key = await context.keys.keyFor(context.clientId, alg, typeof header.kid === 'string' ? header.kid : undefined);
  let bytes: Uint8Array;
  try {
    ({ payload: bytes } = await compactVerify(jwt, key, { algorithms: [alg] }));
  } catch (error) {
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
      throw new HookRefusal('forged', "The act assertion's signature does not verify with the agent's credential.");
    }
    throw new HookRefusal('malformed-assertion', 'The act assertion is not a readable JWT.', { detail: messageOf(error) });
  }
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new HookRefusal('malformed-assertion', "The act assertion's payload is not JSON.");
  }
  if (!isRecord(payload)) throw new HookRefusal('malformed-assertion', "The act assertion's payload is not a JSON object.");
  return checkClaims(payload, context);
}

async function checkClaims(payload: JsonRecord, context: ActAssertionContext): Promise<VouchedAct> {
  const { clientId, now, clockSkewSeconds: skew } = context;
  if (payload.iss !== clientId || payload.sub !== clientId) {
    throw new HookRefusal('wrong-client', `The act assertion's iss and sub must both be the client Okta authenticated (${clientId}).`);
  }
  if (!audienceMatches(payload.aud, context.hookUrl)) {
    throw new HookRefusal('wrong-audience', `The act assertion's aud must be this hook's URL (${context.hookUrl}).`);
  }
  const { exp, iat, nbf } = payload;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw new HookRefusal('expired', 'The act assertion has no exp: it must expire within 5 minutes.');
  if (exp + skew <= now) throw new HookRefusal('expired', 'The act assertion has expired; sign a new one for every token request.');
  const max = ACT_ASSERTION_LIMITS.maxLifetimeSeconds;
  if (exp - now > max + skew || (typeof iat === 'number' && exp - iat > max)) {
    throw new HookRefusal('too-long', `The act assertion lives longer than ${max} seconds; it only has to last one token request.`);
  }
  if ((typeof iat === 'number' && iat > now + skew) || (typeof nbf === 'number' && nbf > now + skew)) {
    throw new HookRefusal('not-yet-valid', "The act assertion is not valid yet (iat or nbf in the future); check the agent's clock.");
  }
  const jti = payload.jti;
  if (typeof jti !== 'string' || !jti.trim() || jti.length > 256) {
    throw new HookRefusal('no-jti', 'The act assertion has no jti: each one must carry a fresh unique id.');
  }
  const act = payload.act;
  const human = isRecord(act) ? act.sub : undefined;
  if (typeof human !== 'string' || !looksLikeUserId(human)) {
    throw new HookRefusal('no-human', "The act assertion's act.sub must be the human's Okta user id (00u…).");
  }
  const delegation = context.profile === 'agbac-1.0' ? delegationOf(payload, now, skew) : undefined;
  // Last, so that an assertion refused for another reason does not use up its jti.
  if (!(await context.replay.use(`${clientId} ${jti}`, exp + skew))) {
    throw new HookRefusal('replayed', 'The act assertion has already been used; sign a new one for every token request.');
  }
  return { clientId, jti, human, delegation };
}

/** AGBAC 1.0's delegation claims of the assertion, checked by the core's rules. */
function delegationOf(payload: JsonRecord, now: number, skew: number): JsonRecord {
  const problems = checkAssertionPayload(payload, { now, profile: 'agbac-1.0', clockSkewSeconds: skew }).filter(
    (finding) => finding.severity === 'error' && ['delegation', 'agbac_ver', 'delegation_expiry'].includes(String(finding.path[0])),
  );
  const [first] = problems;
  if (first) throw new HookRefusal('no-delegation', `The act assertion's delegation is not valid under AGBAC 1.0: ${first.message}`);
  return {
    delegation: payload.delegation,
    agbac_ver: payload.agbac_ver,
    ...(payload.delegation_expiry !== undefined ? { delegation_expiry: payload.delegation_expiry } : {}),
  };
}

function audienceMatches(aud: unknown, hookUrl: string): boolean {
  const wanted = normalize(hookUrl);
  const values = Array.isArray(aud) ? aud : [aud];
  return wanted !== undefined && values.some((value) => typeof value === 'string' && normalize(value) === wanted);
}

/** URLs compared as URLs: `https://h.example` and `https://h.example/` are one audience. */
function normalize(url: string): string | undefined {
  return parseUrl(url)?.href;
}
