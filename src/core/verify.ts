/**
 * Verifying an access token: signature against a key set under an algorithm allow-list, then
 * the token rules, then the dual-subject decision and its audit event. Every failed check is
 * reported, not just the first.
 */
import {
  compactVerify,
  createLocalJWKSet,
  errors as joseErrors,
  importSPKI,
  type JSONWebKeySet,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';
import { auditEvent, type AuditEvent, type Checks, checksOf, decide, type Decision } from './decision';
import { JwtDecodeError, KeyError, messageOf } from './errors';
import { cachedResolver } from './key-cache';
import { type DecodedJwt, decodeJwtHeader, decodeJwtPayload, type JsonObject } from './jwt';
import { type DelegationContext, delegationOf, detectMapping } from './delegation';
import { evaluatePolicy, type DelegationPolicy, type PolicyDecision } from './policy';
import { ASSERTION_LIMITS, type ClaimMapping, OKTA_MAPPING } from './profiles';
import { type Finding, FindingList, isRecord, quote } from './rules/finding';
import { agentPath, checkTokenClaims, grantedScopes, humanPath, subjectsOf, type TokenExpectations } from './rules/token';

/**
 * The verification keys: a JWKS document, one public JWK, an SPKI PEM public key, or a resolver
 * such as jose's `createRemoteJWKSet` (which the Okta layer provides).
 */
export type VerificationKeys = JSONWebKeySet | JWK | string | JWTVerifyGetKey;

export interface VerifyOptions extends TokenExpectations {
  readonly keys: VerificationKeys;
  /**
   * Tell where the agent and the human are from the token's shape (the guide's, Okta's
   * on-behalf-of, RFC 8693's); when it cannot be told, `mapping` (the guide's by default) is used
   * and a warning says so (AGBAC146).
   */
  readonly detectMapping?: boolean;
  /**
   * A delegation policy to decide by (AGBAC 1.0 §7.1 and §7.3), with the human's group names as
   * the directory gave them for the token's human (looked up by id; undefined: not looked up). It
   * approves the agent and the human, so without `humanApproval` the human is not unapproved.
   */
  readonly policy?: { readonly policy: DelegationPolicy; readonly humanGroups?: readonly string[] };
  /** Algorithms accepted; Okta signs access tokens with RS256 only. */
  readonly algorithms?: readonly string[];
  readonly action?: string;
  readonly resource?: string;
  /** Recorded in the audit event; the caller makes one (e.g. `crypto.randomUUID()`) when the request has none. */
  readonly correlationId: string;
}

export interface Verification {
  readonly decision: Decision;
  /** The mapping the token was read with, and why (told from its shape, or given). */
  readonly mapping: { readonly name: string; readonly reason: string };
  /** The token's delegation: type, what vouches for the human, when it was granted, the agents that acted. */
  readonly delegation: DelegationContext | undefined;
  /** With a policy: every §7.1 check it ran, and the delegation that permits. */
  readonly policy: PolicyDecision | undefined;
  /** How each check went: which ran, which passed, which were waived or could not run. */
  readonly checks: Checks;
  readonly signatureValid: boolean;
  readonly header: JsonObject | undefined;
  readonly payload: JsonObject | undefined;
  readonly agent: string | undefined;
  readonly human: string | undefined;
  readonly findings: readonly Finding[];
  readonly audit: AuditEvent;
}

const DEFAULT_TOKEN_ALGORITHMS: readonly string[] = Object.freeze(['RS256']);

/**
 * Verifies an access token and decides. Never throws for bad token data: a malformed token, an
 * unknown key or a bad signature are findings that deny. Throws {@link KeyError} only when the
 * given keys themselves are unusable (that is the caller's configuration, not the token's fault).
 * A key resolver that fails for any other reason (a remote key set that cannot be fetched) is
 * AGBAC124, not a bad signature: the audit must not blame the token for an outage.
 *
 * Both subjects must be approved: the agent by `approvedAgents`, the human by `humanApproval`.
 * Without either the decision is DENY (AGBAC125, AGBAC120); a check waived explicitly
 * (`waiveAgentCheck`, `{ kind: 'waived' }`) makes the best outcome an ALLOW that names it
 * (ALLOW_AGENT_UNCHECKED, ALLOW_HUMAN_UNCHECKED, ALLOW_UNCHECKED), never ALLOW.
 *
 * @example
 * const result = await verifyAccessToken(token, {
 *   keys: jwks, issuer, audience: 'https://api.example.com/finance', requiredScopes: ['finance.read'],
 *   approvedAgents: ['0oa123abc456xyz'], humanApproval: { kind: 'allow-list', ids: ['00u123abc456xyz'] }, now: Math.floor(Date.now() / 1000),
 *   correlationId: crypto.randomUUID(),
 * });
 * if (result.decision === 'ALLOW') ...
 */
export async function verifyAccessToken(token: string, options: VerifyOptions): Promise<Verification> {
  const profile = options.profile ?? 'okta-guide';
  const malformed = (error: JwtDecodeError): Verification => {
    const findings = new FindingList(profile);
    findings.add('AGBAC090', [], { detail: error.message });
    return conclude(options, findings.items, false, undefined, undefined);
  };
  let head: Omit<DecodedJwt, 'payload'>;
  try {
    head = decodeJwtHeader(token.trim());
  } catch (error) {
    if (error instanceof JwtDecodeError) return malformed(error);
    throw error;
  }
  const signature = await checkSignature(head.token, head.header, options);
  // The payload is read from the bytes the signature check decoded, or decoded here when it failed.
  let jwt: DecodedJwt;
  try {
    jwt = decodeJwtPayload(head, signature.payload);
  } catch (error) {
    if (error instanceof JwtDecodeError) return malformed(error);
    throw error;
  }
  const { header, payload } = jwt;
  const chosen = chooseMapping(payload, options);
  const expect: VerifyOptions = chosen.mapping === (options.mapping ?? OKTA_MAPPING) ? options : { ...options, mapping: chosen.mapping };
  const claims = checkTokenClaims(payload, expect);
  const findings = signature.findings.length > 0 ? [...signature.findings, ...claims] : claims;
  const list = new FindingList(profile);
  if (chosen.ambiguous) list.add('AGBAC146', [], { reason: chosen.reason, mapping: chosen.mapping.name });
  const { agent, human } = subjectsOf(payload, chosen.mapping);
  // A policy approves both subjects itself (AGBAC140, AGBAC141); without one each needs an approval or a waiver.
  if (options.policy === undefined) {
    if (options.approvedAgents === undefined && !options.waiveAgentCheck && agent !== undefined) list.add('AGBAC125', agentPath(chosen.mapping), { agent: quote(agent) });
    if (options.humanApproval === undefined && human !== undefined) list.add('AGBAC120', humanPath(chosen.mapping), { human: quote(human) });
  }
  const delegation = delegationOf(payload, chosen.mapping);
  let policy: PolicyDecision | undefined;
  if (options.policy) {
    policy = evaluatePolicy(
      {
        policy: options.policy.policy,
        mapping: chosen.mapping,
        agent,
        human,
        humanGroups: options.policy.humanGroups,
        delegation,
        scopes: options.requiredScopes?.length ? options.requiredScopes : grantedScopes(payload, chosen.mapping),
        findings: [...findings, ...list.items],
        now: options.now,
        skew: options.clockSkewSeconds ?? ASSERTION_LIMITS.defaultClockSkewSeconds,
        agentPath: agentPath(chosen.mapping),
        humanPath: humanPath(chosen.mapping),
      },
      list,
    );
  }
  for (const finding of list.items) findings.push(finding);
  return conclude(expect, findings, signature.valid, header, payload, { mapping: { name: chosen.mapping.name, reason: chosen.reason }, delegation, policy });
}

/** The mapping to read the token with: told from its shape when asked and possible, else the one given (the guide's by default). */
function chooseMapping(payload: JsonObject, options: VerifyOptions): { mapping: ClaimMapping; reason: string; ambiguous: boolean } {
  const given = options.mapping ?? OKTA_MAPPING;
  if (!options.detectMapping) return { mapping: given, reason: options.mapping ? 'given' : 'the default (the guide\'s)', ambiguous: false };
  const detected = detectMapping(payload);
  if (detected.mapping) return { mapping: detected.mapping, reason: detected.reason, ambiguous: false };
  return { mapping: given, reason: detected.reason, ambiguous: true };
}

/** Turns the keys given into a resolver jose can use. */
async function keyResolver(keys: VerificationKeys, algorithms: readonly string[]): Promise<JWTVerifyGetKey> {
  if (typeof keys === 'function') return keys;
  try {
    if (typeof keys === 'string') {
      const pem = keys.trim();
      if (!pem.startsWith('-----BEGIN PUBLIC KEY-----')) {
        throw new KeyError('a PEM verification key must be an SPKI public key ("-----BEGIN PUBLIC KEY-----")');
      }
      const imported = await Promise.all(algorithms.map((alg) => importSPKI(pem, alg).catch(() => undefined)));
      const usable = imported.findIndex((key) => key !== undefined);
      if (usable < 0) throw new KeyError(`the PEM public key cannot verify ${algorithms.join(', ')}`);
      return (header) => {
        const index = algorithms.indexOf(header.alg ?? '');
        const key = imported[index];
        if (!key) throw new joseErrors.JWKSNoMatchingKey();
        return key;
      };
    }
    if (isKeySet(keys)) return createLocalJWKSet(keys);
    if (isRecord(keys) && typeof keys.kty === 'string') {
      const jwk = keys;
      if (jwk.d !== undefined || jwk.k !== undefined) throw new KeyError('refusing a private or symmetric JWK as a verification key');
      return createLocalJWKSet({ keys: [jwk] });
    }
  } catch (error) {
    if (error instanceof KeyError) throw error;
    throw new KeyError(`the verification keys are unusable: ${messageOf(error)}`, { cause: error });
  }
  throw new KeyError('verification keys must be a JWKS ({"keys": [...]}), a public JWK or an SPKI PEM');
}

function isKeySet(value: unknown): value is JSONWebKeySet {
  return isRecord(value) && Array.isArray(value.keys);
}

async function checkSignature(
  token: string,
  header: JsonObject,
  options: VerifyOptions,
): Promise<{ valid: boolean; findings: Finding[]; payload?: Uint8Array }> {
  const findings = new FindingList(options.profile ?? 'okta-guide');
  const algorithms = options.algorithms ?? DEFAULT_TOKEN_ALGORITHMS;
  const alg = header.alg;
  if (typeof alg === 'string' && alg.toLowerCase() === 'none') {
    findings.add('AGBAC060', ['alg'], {}, { part: 'header' });
    return { valid: false, findings: findings.items };
  }
  if (typeof alg !== 'string' || !algorithms.includes(alg)) {
    findings.add('AGBAC101', ['alg'], { alg: quote(alg), allowed: algorithms.join(', ') }, { part: 'header' });
    return { valid: false, findings: findings.items };
  }
  // jose implements b64 (RFC 7797): left to it, a token with `crit: ["b64"]` and `b64: false`
  // would verify over bytes other than the payload the claims are read from. This verifier
  // implements no extension, so any `crit` is refused before jose sees it.
  if (header.crit !== undefined) {
    const members = Array.isArray(header.crit) && header.crit.length > 0 ? header.crit.map((member) => quote(member)).join(', ') : quote(header.crit);
    findings.add('AGBAC122', ['crit'], { members }, { part: 'header' });
    return { valid: false, findings: findings.items };
  }
  const resolve = await cachedResolver(options.keys, algorithms, keyResolver);
  try {
    // jose only reads the list.
    const { payload } = await compactVerify(token, resolve, { algorithms: algorithms as string[] });
    return { valid: true, findings: [], payload };
  } catch (error) {
    if (error instanceof joseErrors.JWKSNoMatchingKey) {
      findings.add('AGBAC102', ['kid'], { kid: quote(header.kid) }, { part: 'header' });
    } else if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
      findings.add('AGBAC100', [], {});
    } else if (error instanceof joseErrors.JOSEAlgNotAllowed) {
      findings.add('AGBAC101', ['alg'], { alg: quote(alg), allowed: algorithms.join(', ') }, { part: 'header' });
    } else if (isKeySourceFailure(error)) {
      findings.add('AGBAC124', [], { detail: ` (${messageOf(error)})` });
    } else {
      findings.add('AGBAC100', [], { detail: ` (${messageOf(error)})` });
    }
    return { valid: false, findings: findings.items };
  }
}

/**
 * True when the keys could not be had, as opposed to a token they do not verify. The token's
 * faults are the few JOSE errors about the JWS itself; everything else a key resolver can throw
 * (jose's timeout, a document that is no key set or no JSON, a non-200 answer, a network failure
 * of the caller's fetch, a key the runtime cannot import) is about the keys.
 */
function isKeySourceFailure(error: unknown): boolean {
  const tokenFaults = [joseErrors.JWSInvalid, joseErrors.JWSSignatureVerificationFailed, joseErrors.JWKSMultipleMatchingKeys, joseErrors.JWTInvalid];
  return !tokenFaults.some((fault) => error instanceof fault);
}

interface Read {
  readonly mapping: Verification['mapping'];
  readonly delegation: DelegationContext | undefined;
  readonly policy: PolicyDecision | undefined;
}

const UNREAD: Read = { mapping: { name: OKTA_MAPPING.name, reason: 'the token could not be read' }, delegation: undefined, policy: undefined };

function conclude(
  options: VerifyOptions,
  findings: readonly Finding[],
  signatureValid: boolean,
  header: JsonObject | undefined,
  payload: JsonObject | undefined,
  read: Read = UNREAD,
): Verification {
  const approval = options.humanApproval;
  const policy = options.policy !== undefined;
  // A waiver stands only when nothing else approves the subject: a policy approves (or denies) both itself.
  const humanWaived = approval?.kind === 'waived' && !policy;
  const agentWaived = options.waiveAgentCheck === true && !options.approvedAgents && !policy;
  const decision = signatureValid ? decide(findings, { human: humanWaived ? 'waived' : 'approved', agent: agentWaived ? 'waived' : 'approved' }) : 'DENY';
  const { agent, human } = payload ? subjectsOf(payload, options.mapping ?? OKTA_MAPPING) : { agent: undefined, human: undefined };
  const checks = checksOf(findings, {
    issuer: options.issuer !== undefined,
    audience: options.audience !== undefined,
    agents: options.approvedAgents !== undefined || policy ? 'approval' : agentWaived ? 'waived' : 'none',
    scopes: (options.requiredScopes?.length ?? 0) > 0,
    human: policy || (approval !== undefined && approval.kind !== 'waived') ? 'approval' : humanWaived ? 'waived' : 'none',
    delegation: payload?.delegation !== undefined || options.profile === 'agbac-1.0' || policy,
  });
  const audit = auditEvent({
    now: options.now,
    decision,
    findings,
    checks,
    agent,
    human,
    payload,
    action: options.action,
    resource: options.resource,
    correlationId: options.correlationId,
    ...(read.delegation ? { delegation: read.delegation } : {}),
    ...(read.policy ? { policy: read.policy } : {}),
  });
  return { decision, mapping: read.mapping, delegation: read.delegation, policy: read.policy, checks, signatureValid, header, payload, agent, human, findings, audit };
}
