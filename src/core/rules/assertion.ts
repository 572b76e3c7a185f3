/**
 * The client assertion rules (RFC 7523 as Okta applies it, plus the AGBAC claims): what an agent
 * must put in the JWT it signs to get a dual-subject access token.
 */
import {
  ASSERTION_ALGORITHMS,
  ASSERTION_LIMITS,
  type AudienceStyle,
  type AuthMethod,
  authMethodForAlgorithm,
  type ProfileName,
} from '../profiles';
import { durationText, isNumericDate, isoTime, relativeTime } from '../time';
import { isLoopbackHost, issuerFromTokenEndpoint, oktaUrlShape, parseUrl, urlKey, urlsFromIssuer } from '../urls';
import { type Finding, FindingList, isNonEmptyString, isRecord, type JsonRecord, kindOf, quote } from './finding';
import { checkActor, checkDelegation } from './shared';

/** What the assertion is checked against. Everything but `now` is optional: unknown values are not compared. */
export interface AssertionExpectations {
  /** Seconds since the epoch. */
  readonly now: number;
  readonly profile?: ProfileName;
  /** Default `token-endpoint`, what Okta accepts. */
  readonly audienceStyle?: AudienceStyle;
  readonly clientId?: string;
  readonly tokenEndpoint?: string;
  readonly issuer?: string;
  /** The API audience of the authorization server, which must not be the assertion's `aud`. */
  readonly apiAudience?: string;
  readonly authMethod?: AuthMethod;
  readonly clockSkewSeconds?: number;
}

/** The checks of a client assertion's payload, in the order a reader would fix them. */
export function checkAssertionPayload(payload: unknown, expect: AssertionExpectations): Finding[] {
  const findings = new FindingList(expect.profile ?? 'okta-guide');
  if (!isRecord(payload)) {
    findings.add('AGBAC001', [], { kind: kindOf(payload) });
    return findings.items;
  }
  const skew = expect.clockSkewSeconds ?? ASSERTION_LIMITS.defaultClockSkewSeconds;
  checkAgent(payload, expect, findings);
  checkAudience(payload.aud, expect, findings);
  checkTimes(payload, expect.now, skew, findings);
  checkJti(payload, findings);
  if (payload.act === undefined) findings.add('AGBAC028', ['act']);
  else checkActor(payload.act, ['act'], findings);
  checkDelegation(payload, expect.now, skew, findings);
  return findings.items;
}

/** The checks of a signed assertion's protected header. */
export function checkAssertionHeader(
  header: JsonRecord,
  expect: { readonly authMethod?: AuthMethod; readonly profile?: ProfileName },
): Finding[] {
  const findings = new FindingList(expect.profile ?? 'okta-guide');
  const alg = header.alg;
  const part = { part: 'header' } as const;
  if (typeof alg === 'string' && alg.toLowerCase() === 'none') {
    findings.add('AGBAC060', ['alg'], {}, part);
    return findings.items;
  }
  const method = typeof alg === 'string' ? authMethodForAlgorithm(alg) : undefined;
  if (typeof alg !== 'string' || !method) {
    findings.add('AGBAC062', ['alg'], { alg: quote(alg) }, part);
    return findings.items;
  }
  if (expect.authMethod && method !== expect.authMethod) {
    const allowed = ASSERTION_ALGORITHMS[expect.authMethod].join(', ');
    findings.add('AGBAC061', ['alg'], { alg, method: expect.authMethod, allowed }, part);
  }
  if ((expect.authMethod ?? method) === 'private_key_jwt' && !isNonEmptyString(header.kid)) {
    findings.add('AGBAC063', ['kid'], {}, part);
  }
  return findings.items;
}

function checkAgent(payload: JsonRecord, expect: AssertionExpectations, findings: FindingList): void {
  const { iss, sub } = payload;
  if (iss === undefined) findings.add('AGBAC002', ['iss']);
  else if (!isNonEmptyString(iss)) findings.add('AGBAC003', ['iss'], { kind: kindOf(iss) });
  if (sub === undefined) findings.add('AGBAC004', ['sub']);
  else if (!isNonEmptyString(sub)) findings.add('AGBAC005', ['sub'], { kind: kindOf(sub) });

  const clientId = expect.clientId;
  if (clientId) {
    for (const [claim, value] of [['iss', iss], ['sub', sub]] as const) {
      if (isNonEmptyString(value) && value !== clientId) {
        findings.add('AGBAC007', [claim], { claim, actual: value, expected: clientId });
      }
    }
  } else if (isNonEmptyString(iss) && isNonEmptyString(sub) && iss !== sub) {
    findings.add('AGBAC006', ['sub'], { iss, sub }, { related: [{ path: ['iss'], message: '`iss` is here' }] });
  }
}

/** The URLs the assertion's `aud` is compared with, worked out once per expectations object. */
interface AudienceTargets {
  readonly tokenEndpoint?: string;
  readonly issuer?: string;
  readonly keys: { readonly tokenEndpoint?: string; readonly issuer?: string; readonly apiAudience?: string };
}

/** Targets by the URLs they come from: a document's payloads, and the next document's, share them. */
const targetsCache = new Map<string, AudienceTargets>();

function audienceTargets(expect: AssertionExpectations): AudienceTargets {
  const cacheKey = `${expect.tokenEndpoint ?? ''}\n${expect.issuer ?? ''}\n${expect.apiAudience ?? ''}`;
  let targets = targetsCache.get(cacheKey);
  if (!targets) {
    const issuer = expect.issuer ?? (expect.tokenEndpoint ? issuerFromTokenEndpoint(expect.tokenEndpoint) : undefined);
    const tokenEndpoint = expect.tokenEndpoint ?? (issuer ? urlsFromIssuer(issuer).tokenEndpoint : undefined);
    targets = {
      ...(tokenEndpoint ? { tokenEndpoint } : {}),
      ...(issuer ? { issuer } : {}),
      keys: {
        ...(tokenEndpoint ? { tokenEndpoint: urlKey(tokenEndpoint) } : {}),
        ...(issuer ? { issuer: urlKey(issuer) } : {}),
        ...(expect.apiAudience ? { apiAudience: urlKey(expect.apiAudience) } : {}),
      },
    };
    if (targetsCache.size >= 64) targetsCache.clear();
    targetsCache.set(cacheKey, targets);
  }
  return targets;
}

function checkAudience(aud: unknown, expect: AssertionExpectations, findings: FindingList): void {
  if (aud === undefined) {
    findings.add('AGBAC008', ['aud']);
    return;
  }
  if (!isNonEmptyString(aud)) {
    findings.add('AGBAC009', ['aud'], { kind: kindOf(aud) });
    return;
  }
  const url = parseUrl(aud);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    findings.add('AGBAC013', ['aud'], { actual: aud });
    return;
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    findings.add('AGBAC014', ['aud'], { host: url.hostname });
  }
  const { tokenEndpoint, issuer, keys } = audienceTargets(expect);
  const key = urlKey(url);
  if (key === keys.apiAudience) {
    findings.add('AGBAC012', ['aud'], { actual: aud });
    return;
  }

  if ((expect.audienceStyle ?? 'token-endpoint') === 'token-endpoint') {
    const isIssuer = keys.issuer ? key === keys.issuer : oktaUrlShape(url) === 'issuer';
    if (isIssuer) {
      findings.add('AGBAC010', ['aud'], { expected: tokenEndpoint ?? urlsFromIssuer(aud).tokenEndpoint });
    } else if (keys.tokenEndpoint && key !== keys.tokenEndpoint) {
      findings.add('AGBAC011', ['aud'], { actual: aud, expected: `the token endpoint "${tokenEndpoint ?? ''}"` });
    } else if (!keys.tokenEndpoint && oktaUrlShape(url) === 'other') {
      // Nothing to compare with, but no Okta token endpoint has this shape.
      findings.add('AGBAC011', ['aud'], { actual: aud, expected: 'an Okta token endpoint, https://{domain}/oauth2/{authServerId}/v1/token' });
    }
    return;
  }
  // The guide's convention: the issuer; a server that accepts it accepts the token endpoint as well.
  if ((keys.issuer || keys.tokenEndpoint) && key !== keys.issuer && key !== keys.tokenEndpoint) {
    findings.add('AGBAC011', ['aud'], { actual: aud, expected: `the issuer "${issuer ?? tokenEndpoint ?? ''}"` });
  }
}

function checkTimes(payload: JsonRecord, now: number, skew: number, findings: FindingList): void {
  const { exp, iat, nbf } = payload;
  for (const [claim, value] of [['iat', iat], ['nbf', nbf]] as const) {
    if (value !== undefined && !isNumericDate(value)) findings.add('AGBAC023', [claim], { claim, kind: kindOf(value) });
  }
  const issuedAt = isNumericDate(iat) ? iat : undefined;
  if (issuedAt !== undefined && issuedAt > now + skew) {
    findings.add('AGBAC021', ['iat'], { distance: durationText(Math.round(issuedAt - now)), skew });
  }
  if (isNumericDate(nbf) && nbf > now + skew) {
    findings.add('AGBAC022', ['nbf'], { distance: durationText(Math.round(nbf - now)) });
  }

  if (exp === undefined) {
    findings.add('AGBAC015', ['exp']);
    return;
  }
  if (!isNumericDate(exp)) {
    findings.add('AGBAC016', ['exp'], { kind: kindOf(exp) });
    return;
  }
  if (issuedAt !== undefined && exp <= issuedAt) {
    findings.add('AGBAC017', ['exp'], { exp, iat: issuedAt });
    return;
  }
  const hint = exp > 1e11 ? ' (milliseconds instead of seconds?)' : '';
  const { maxLifetimeSeconds, conventionalLifetimeSeconds } = ASSERTION_LIMITS;
  if (issuedAt !== undefined && exp - issuedAt > maxLifetimeSeconds) {
    findings.add('AGBAC018', ['exp'], { distance: durationText(exp - issuedAt), from: '`iat`', hint });
  } else if (exp - now > maxLifetimeSeconds + skew) {
    findings.add('AGBAC018', ['exp'], { distance: durationText(Math.round(exp - now)), from: 'now', hint });
  } else if (issuedAt !== undefined && exp - issuedAt !== conventionalLifetimeSeconds) {
    findings.add('AGBAC019', ['exp'], { lifetime: durationText(exp - issuedAt) });
  }
  if (exp + skew < now) {
    findings.add('AGBAC020', ['exp'], { ago: relativeTime(exp, now), time: isoTime(exp) });
  }
}

/** `jti` values that are certain to repeat: the guide's fixed examples and clock-derived ids. */
const EXAMPLE_JTIS = new Set(['test-assertion-unique-123', 'unique-assertion-id-abc123']);

function checkJti(payload: JsonRecord, findings: FindingList): void {
  const jti = payload.jti;
  if (jti === undefined) {
    findings.add('AGBAC024', ['jti']);
    return;
  }
  if (!isNonEmptyString(jti)) {
    findings.add('AGBAC025', ['jti'], { kind: kindOf(jti) });
    return;
  }
  const clock = [payload.iat, payload.exp].filter(isNumericDate).map((value) => String(Math.trunc(value)));
  if (EXAMPLE_JTIS.has(jti)) {
    findings.add('AGBAC027', ['jti'], { jti, reason: 'is a fixed example value from the setup guide' });
  } else if (/^[A-Za-z_-]*\d{9,13}$/.test(jti) || clock.some((value) => jti.includes(value))) {
    findings.add('AGBAC027', ['jti'], { jti, reason: 'is derived from the clock: two assertions in one second collide' });
  } else if (jti.length < ASSERTION_LIMITS.minJtiLength) {
    findings.add('AGBAC026', ['jti'], { length: jti.length });
  }
}
