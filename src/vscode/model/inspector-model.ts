/**
 * The Token Inspector's view model, from a token and what is known about it: the claims with
 * their explanations from the claim catalogue, the times, the two subjects, the AGBAC checklist
 * (every rule that applies, passed, failed or not checked and why), the act round trip and the
 * audit event. Pure: the caller gives the clock. No VS Code here: tested on plain Node.
 */
import {
  agentPath,
  checkAssertionHeader,
  checkAssertionPayload,
  checkTokenClaims,
  CLAIM_MAPPINGS,
  type ClaimMapping,
  claimDoc,
  classifyPayload,
  delegationOf,
  detectMapping,
  humanPath,
  type Decision,
  type Finding,
  type Human,
  isoTime,
  isNumericDate,
  isRecord,
  type JsonRecord,
  parseJwt,
  type ProfileName,
  redactToken,
  OKTA_MAPPING,
  type Rule,
  RULES,
  subjectsOf,
  type Verification,
} from '../../core';
import type { ChecklistGroup, ChecklistRow, CheckStatus, ClaimRow, DelegationView, InspectorModel, RoundTrip, SubjectCard, TimeMark } from './inspector-protocol';
import { humanLabel } from './tokens';

/** What a token was (or would be) checked against. */
export interface InspectExpectations {
  readonly issuer?: string;
  readonly audience?: string;
  readonly requiredScopes?: readonly string[];
  readonly approvedAgents?: readonly string[];
  /** How the human is approved, in words ("member of FinanceUsers"), when it is checked. */
  readonly humanApproval?: string;
  /** Why the human's approval was not checked, when it was not. */
  readonly humanUnchecked?: string;
  /** The act the agent asserted (the round trip). */
  readonly expectedActor?: JsonRecord;
  /** For a client assertion: the expected client id, token endpoint and method. */
  readonly clientId?: string;
  readonly tokenEndpoint?: string;
  readonly authMethod?: 'client_secret_jwt' | 'private_key_jwt';
}

export interface InspectInput {
  /** The compact JWT: decoded and redacted here, never copied into the model. */
  readonly token: string;
  readonly tokenId?: string;
  readonly connection?: string;
  readonly human?: Human;
  readonly expectations: InspectExpectations;
  /** The live verification, when there was one (signature, approvals, decision, audit). */
  readonly verification?: Verification;
  readonly profile: ProfileName;
  readonly clockSkewSeconds: number;
  readonly now: number;
}

/** The checklist's groups for an access token, in the order a resource server decides. */
const TOKEN_GROUPS: readonly { title: string; codes: readonly string[] }[] = [
  { title: 'The token is genuine', codes: ['AGBAC090', 'AGBAC001', 'AGBAC060', 'AGBAC101', 'AGBAC122', 'AGBAC124', 'AGBAC102', 'AGBAC100'] },
  { title: 'It is for this API', codes: ['AGBAC103', 'AGBAC104'] },
  { title: 'It is current', codes: ['AGBAC023', 'AGBAC108', 'AGBAC105', 'AGBAC106', 'AGBAC107', 'AGBAC121'] },
  { title: 'The agent is authorized', codes: ['AGBAC146', 'AGBAC109', 'AGBAC110', 'AGBAC111', 'AGBAC125', 'AGBAC114', 'AGBAC112'] },
  { title: 'The human is authorized', codes: ['AGBAC113', 'AGBAC029', 'AGBAC030', 'AGBAC031', 'AGBAC032', 'AGBAC118', 'AGBAC119', 'AGBAC123', 'AGBAC033', 'AGBAC034', 'AGBAC035', 'AGBAC117', 'AGBAC120', 'AGBAC115', 'AGBAC116'] },
  { title: 'The delegation is valid', codes: ['AGBAC040', 'AGBAC041', 'AGBAC042', 'AGBAC043', 'AGBAC044', 'AGBAC045', 'AGBAC046', 'AGBAC047', 'AGBAC048', 'AGBAC049'] },
  { title: 'The delegation policy permits it', codes: ['AGBAC140', 'AGBAC141', 'AGBAC143', 'AGBAC142', 'AGBAC144', 'AGBAC145'] },
];

/** What a passed token rule means, in words (`{…}` filled from what the token holds). */
const TOKEN_PASSES: Readonly<Record<string, string>> = {
  AGBAC090: 'The JWT decodes: header, payload and signature',
  AGBAC001: 'The payload is a JSON object',
  AGBAC060: '`alg` is {alg}, not "none"',
  AGBAC101: '`alg` {alg} is allowed',
  AGBAC102: "The issuer's key set holds the key `kid` {kid} names",
  AGBAC100: "The signature verifies with the issuer's key",
  AGBAC122: 'No `crit` extension that a verifier would have to implement',
  AGBAC124: "The issuer's keys could be read",
  AGBAC103: '`iss` is {issuer}',
  AGBAC104: '`aud` is {audience}',
  AGBAC108: '`exp` says when it expires',
  AGBAC105: 'Not expired: `exp` {exp}',
  AGBAC106: 'Valid already (`nbf`)',
  AGBAC107: '`iat` is not in the future',
  AGBAC023: '`iat` and `nbf` are NumericDates, or absent',
  AGBAC121: 'The lifetime (`exp` − `iat`) is within what issuers give',
  AGBAC109: 'The agent is `sub` {agent}',
  AGBAC110: 'The client id `cid` is present',
  AGBAC111: '`cid` is the agent',
  AGBAC125: 'The connection names the approved agent',
  AGBAC114: 'The agent {agent} is approved for this resource',
  AGBAC112: 'Granted: {scopes}',
  AGBAC113: 'The token carries the human in `act`',
  AGBAC029: '`act` is an object',
  AGBAC030: '`act.sub` names the human',
  AGBAC031: '`act.sub` is not an email address',
  AGBAC032: '`act.sub` is an Okta user id',
  AGBAC033: '`act.sub` has the length of a real Okta user id',
  AGBAC034: '`act.email` is an email address, or absent',
  AGBAC035: '`act` holds only the members the guide and AGBAC 1.0 define',
  AGBAC117: 'The agent is in `sub` and the human in `act` (AGBAC, not RFC 8693, orientation)',
  AGBAC118: '`act.sub` is a user id, looked up by identity only',
  AGBAC119: 'The human is not the agent itself',
  AGBAC123: 'No actor chain nested inside the human',
  AGBAC120: 'Something approves the human ({approval})',
  AGBAC115: 'The human {human} is approved ({approval})',
  AGBAC116: "The token's `act` is exactly the `act` the agent asserted",
  AGBAC146: 'The shape tells where the agent and the human are ({mapping})',
  AGBAC140: 'A delegation names the agent {agent}',
  AGBAC141: 'A delegation of the agent covers the human {human}',
  AGBAC143: 'The scopes are within the delegation',
  AGBAC142: "The explicit scopes rest on the human's own sign-in",
  AGBAC144: 'The delegation is no older than the policy allows',
  AGBAC145: 'The token says when the delegation was granted',
};

/** The rules only a delegation policy checks. */
const POLICY_RULES = new Set(['AGBAC140', 'AGBAC141', 'AGBAC142', 'AGBAC143', 'AGBAC144', 'AGBAC145']);

/** Why a rule was not checked, when what it compares with is missing. */
function uncheckedReason(code: string, input: InspectInput, kind: 'token' | 'assertion'): string | undefined {
  const expect = input.expectations;
  const verified = input.verification !== undefined;
  if (kind === 'assertion') {
    if (code === 'AGBAC007' && !expect.clientId) return 'Not checked: no connection gives the client id';
    if (code === 'AGBAC011' && !expect.tokenEndpoint) return 'Not checked: no connection gives the token endpoint';
    if (code === 'AGBAC061' && !expect.authMethod) return 'Not checked: no connection gives the authentication method';
    return undefined;
  }
  switch (code) {
    case 'AGBAC146':
      return verified ? undefined : 'Not checked yet: Verify Token reads the token by its shape';
    case 'AGBAC100':
    case 'AGBAC101':
    case 'AGBAC102':
    case 'AGBAC122':
    case 'AGBAC124':
      return verified ? undefined : "Not checked yet: Verify Token checks the signature with the issuer's keys";
    case 'AGBAC120':
    case 'AGBAC125':
      return verified ? undefined : 'Not checked yet: Verify Token approves each subject';
    case 'AGBAC103':
      return expect.issuer ? undefined : 'Not checked: no connection gives the issuer';
    case 'AGBAC104':
      return expect.audience ? undefined : 'Not checked: the connection names no API audience';
    case 'AGBAC112':
      return expect.requiredScopes?.length ? undefined : 'Not checked: no scope is required';
    case 'AGBAC114':
      return expect.approvedAgents ? undefined : 'Not checked: no connection names the approved agent';
    case 'AGBAC115':
      if (!verified) return 'Not checked yet: Verify Token looks the human up in the approving group';
      return expect.humanApproval ? undefined : `Not checked: ${expect.humanUnchecked ?? 'the connection names no approving group'}`;
    case 'AGBAC116':
      return expect.expectedActor ? undefined : 'Not checked: the assertion is not known (the token was not requested here)';
    default:
      return undefined;
  }
}

const STATUS_OF: Readonly<Record<Finding['severity'], CheckStatus>> = { error: 'fail', warning: 'warn', info: 'note' };
const RANK: Readonly<Record<CheckStatus, number>> = { fail: 4, warn: 3, note: 2, unchecked: 1, pass: 0 };

/** Where the two subjects are: as the verification read the token, else told from its shape (the guide's when it cannot be). */
function mappingOf(payload: JsonRecord, verification: Verification | undefined): ClaimMapping {
  const verified = verification ? CLAIM_MAPPINGS[verification.mapping.name] : undefined;
  return verified ?? detectMapping(payload).mapping ?? OKTA_MAPPING;
}

/** Builds the view model. Throws nothing: an unreadable token becomes a model that says so. */
export function inspectorModel(input: InspectInput): InspectorModel {
  const parsed = parseJwt(input.token.trim());
  const header = parsed.ok ? parsed.jwt.header : {};
  const payload = parsed.ok ? parsed.jwt.payload : {};
  const kind = parsed.ok && classifyPayload(payload) === 'assertion' ? 'assertion' : 'token';
  const mapping = mappingOf(payload, input.verification);
  const findings = parsed.ok ? findingsOf(kind, header, payload, input) : [];
  const rules = RULES.filter((rule) => applies(rule, kind, input.profile, payload, input.verification?.policy !== undefined));
  const fill = fillerFor(header, payload, input, mapping);

  const rowFor = (rule: Rule): ChecklistRow => {
    if (!parsed.ok) {
      return rule.code === 'AGBAC090'
        ? { code: rule.code, name: rule.name, status: 'fail', text: `Not a readable JWT: ${parsed.error.message}` }
        : { code: rule.code, name: rule.name, status: 'unchecked', text: 'Not checked: the JWT cannot be decoded' };
    }
    const own = findings.filter((finding) => finding.code === rule.code);
    if (own.length) {
      const status = own.map((finding) => STATUS_OF[finding.severity]).sort((a, b) => RANK[b] - RANK[a])[0] ?? 'fail';
      return { code: rule.code, name: rule.name, status, text: own.map((finding) => finding.message).join('; ') };
    }
    const unchecked = uncheckedReason(rule.code, input, kind);
    if (unchecked) return { code: rule.code, name: rule.name, status: 'unchecked', text: unchecked };
    return { code: rule.code, name: rule.name, status: 'pass', text: fill(TOKEN_PASSES[rule.code] ?? 'No problem found') };
  };

  const checklist: ChecklistGroup[] = kind === 'token'
    ? TOKEN_GROUPS.map((group) => ({
        title: group.title,
        rows: group.codes.flatMap((code) => rules.filter((rule) => rule.code === code)).map(rowFor),
      })).filter((group) => group.rows.length > 0)
    : [
        { title: 'Header', rows: rules.filter((rule) => rule.targets.includes('assertion-header')).map(rowFor) },
        { title: 'Claims', rows: rules.filter((rule) => rule.targets.includes('assertion')).map(rowFor) },
      ].filter((group) => group.rows.length > 0);

  const verification = input.verification;
  const decision = verification?.decision;
  return {
    tokenId: input.tokenId,
    kind: kind === 'token' ? 'access token' : 'client assertion',
    title: `${kind === 'token' ? 'Access token' : 'Client assertion'} for ${humanLabel(humanOf(payload, input.human, mapping))}`,
    connection: input.connection,
    redacted: redactToken(input.token),
    decision,
    verdict: verdictOf(kind, decision, verification, parsed.ok),
    subjects: subjectCards(payload, kind, mapping),
    ...(kind === 'token' && parsed.ok ? { delegation: delegationView(payload, mapping, input) } : {}),
    times: timeMarks(payload),
    checklist,
    roundTrip: roundTripOf(payload, input.expectations.expectedActor, mapping),
    header: claimRows(header, 'header'),
    payload: claimRows(payload, kind),
    audit: verification ? JSON.stringify(verification.audit, null, 2) : undefined,
    madeAt: input.now,
  };
}

function findingsOf(kind: 'token' | 'assertion', header: JsonRecord, payload: JsonRecord, input: InspectInput): readonly Finding[] {
  const expect = input.expectations;
  if (kind === 'assertion') {
    const options = {
      profile: input.profile,
      clockSkewSeconds: input.clockSkewSeconds,
      ...(expect.clientId ? { clientId: expect.clientId } : {}),
      ...(expect.tokenEndpoint ? { tokenEndpoint: expect.tokenEndpoint } : {}),
      ...(expect.issuer ? { issuer: expect.issuer } : {}),
      ...(expect.authMethod ? { authMethod: expect.authMethod } : {}),
    };
    return [...checkAssertionHeader(header, options), ...checkAssertionPayload(payload, { ...options, now: input.now })];
  }
  if (input.verification) return input.verification.findings;
  // Not verified yet: the claim rules with what is known; the signature and the human's group wait for Verify Token.
  const claims = checkTokenClaims(payload, {
    now: input.now,
    profile: input.profile,
    clockSkewSeconds: input.clockSkewSeconds,
    ...(expect.issuer ? { issuer: expect.issuer } : {}),
    ...(expect.audience ? { audience: expect.audience } : {}),
    ...(expect.requiredScopes ? { requiredScopes: expect.requiredScopes } : {}),
    ...(expect.approvedAgents ? { approvedAgents: expect.approvedAgents } : {}),
    ...(expect.expectedActor ? { expectedActor: expect.expectedActor } : {}),
  });
  const alg = header.alg;
  const none = typeof alg === 'string' && alg.toLowerCase() === 'none'
    ? [{ code: 'AGBAC060', severity: 'error', message: '`alg` is "none": the JWT is unsigned', path: ['alg'], part: 'header', params: {} } satisfies Finding]
    : [];
  return [...none, ...claims];
}

/** A rule applies to this kind of JWT and profile; the delegation rules only when it has one or the profile wants one. */
function applies(rule: Rule, kind: 'token' | 'assertion', profile: ProfileName, payload: JsonRecord, policyUsed: boolean): boolean {
  if (rule.profiles && !rule.profiles.includes(profile)) return false;
  const wanted = kind === 'token' ? rule.targets.includes('token') : rule.targets.includes('assertion') || rule.targets.includes('assertion-header');
  if (!wanted) return false;
  // The policy's rules show only where a policy decided.
  if (POLICY_RULES.has(rule.code) && !policyUsed) return false;
  const delegation = /^AGBAC04\d$/.test(rule.code);
  if (delegation && profile !== 'agbac-1.0' && payload.delegation === undefined && payload.agbac_ver === undefined && payload.delegation_expiry === undefined) return false;
  return true;
}

function fillerFor(header: JsonRecord, payload: JsonRecord, input: InspectInput, mapping: ClaimMapping): (text: string) => string {
  const { agent, human } = subjectsOf(payload, mapping);
  const scopes = Array.isArray(payload.scp) ? payload.scp.filter((scope) => typeof scope === 'string').join(' ') : typeof payload.scope === 'string' ? payload.scope : '';
  const values: Record<string, string> = {
    alg: text(header.alg),
    kid: text(header.kid),
    issuer: text(payload.iss),
    audience: Array.isArray(payload.aud) ? payload.aud.map(text).join(', ') : text(payload.aud),
    exp: isNumericDate(payload.exp) ? isoTime(payload.exp) : '?',
    agent: agent ?? '?',
    human: human ?? '?',
    scopes: scopes || '(none)',
    approval: input.expectations.humanApproval ?? 'approved',
    mapping: input.verification?.mapping.name ?? 'okta',
  };
  return (text) => text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** A claim value in a sentence: strings as they are, anything else as JSON. */
function text(value: unknown): string {
  if (value === undefined) return '?';
  return typeof value === 'string' ? value : JSON.stringify(value) ?? '?';
}

function humanOf(payload: JsonRecord, given: Human | undefined, mapping: ClaimMapping): Human | undefined {
  const act = payload.act;
  if (mapping.orientation === 'agbac' && isRecord(act) && typeof act.sub === 'string') {
    return { id: act.sub, ...(typeof act.email === 'string' ? { email: act.email } : {}), ...(typeof act.name === 'string' ? { name: act.name } : {}) };
  }
  if (given) return given;
  const { human } = subjectsOf(payload, mapping);
  // Okta's on-behalf-of token also has the person's login in sub.
  const login = mapping.orientation === 'on-behalf-of' && typeof payload.sub === 'string' && payload.sub.includes('@') ? payload.sub : undefined;
  return human ? { id: human, ...(login ? { email: login } : {}) } : undefined;
}

function verdictOf(kind: 'token' | 'assertion', decision: Decision | undefined, verification: Verification | undefined, readable: boolean): string {
  if (!readable) return 'This is not a readable JWT.';
  if (kind === 'assertion') return 'A client assertion: what the agent sends to the token endpoint (checked by the assertion rules; Okta verifies its signature).';
  if (!verification) return 'Not verified yet: Verify Token checks the signature and approves each subject.';
  if (decision === 'ALLOW') return `Allowed: the agent ${verification.agent ?? '?'} and the human ${verification.human ?? '?'} are both approved.`;
  if (decision && decision !== 'DENY') return `Allowed with a check waived (${decision}): not a dual-subject ALLOW.`;
  return `Denied: ${verification.audit.reasons.join(', ') || 'a required check failed'}.`;
}

function subjectCards(payload: JsonRecord, kind: 'token' | 'assertion', mapping: ClaimMapping): SubjectCard[] {
  const tokenMapping = kind === 'token' ? mapping : OKTA_MAPPING;
  const { agent, human } = subjectsOf(payload, tokenMapping);
  const act = isRecord(payload.act) ? payload.act : undefined;
  const fact = (label: string, value: unknown) => (value === undefined ? [] : [{ label, value: typeof value === 'string' ? value : JSON.stringify(value) }]);
  const scopes = Array.isArray(payload.scp) ? payload.scp.join(' ') : payload.scope;
  const humanFacts = tokenMapping.orientation === 'agbac'
    ? (act ? [...fact('email', act.email), ...fact('name', act.name)] : [])
    : [...(tokenMapping.orientation === 'on-behalf-of' ? fact('login (sub)', payload.sub) : []), ...fact('signed in (auth_time)', isNumericDate(payload.auth_time) ? isoTime(payload.auth_time) : undefined)];
  return [
    {
      role: 'agent',
      claim: agentPath(tokenMapping).join('.'),
      id: agent,
      facts: kind === 'token' ? [...fact('client id (cid)', payload.cid), ...fact('scopes', scopes)] : [...fact('issuer (iss)', payload.iss), ...fact('audience (aud)', payload.aud)],
    },
    { role: 'human', claim: humanPath(tokenMapping).join('.'), id: human, facts: humanFacts },
  ];
}

/**
 * The delegation an access token carries: who delegated to whom (the human, then each agent that
 * acted, the first one first), of what kind, on what evidence, and since when.
 */
function delegationView(payload: JsonRecord, mapping: ClaimMapping, input: InspectInput): DelegationView {
  const delegation = input.verification?.delegation ?? delegationOf(payload, mapping);
  const { human } = subjectsOf(payload, mapping);
  const agents = [...delegation.chain].reverse();
  const evidence = delegation.evidence === 'sign-in'
    ? "the human's own sign-in: their access token was exchanged by the agent (token exchange)"
    : "the agent's word: it named the human itself (the guide's act claim or a token inline hook)";
  return {
    type: delegation.type,
    evidence,
    shape: delegation.shape,
    ...(delegation.grantedAt !== undefined ? { grantedAt: isoTime(delegation.grantedAt) } : {}),
    chain: [
      { role: 'human', id: human ?? '(none)', note: delegation.evidence === 'sign-in' ? 'signed in and consented' : 'named by the agent' },
      ...agents.map((id, index) => ({ role: 'agent' as const, id, note: index === agents.length - 1 ? 'acts now' : 'acted before' })),
    ],
  };
}

function timeMarks(payload: JsonRecord): TimeMark[] {
  return (['iat', 'nbf', 'exp'] as const).flatMap((claim) => {
    const value = payload[claim];
    return isNumericDate(value) ? [{ claim, at: value, iso: isoTime(value) }] : [];
  });
}

function roundTripOf(payload: JsonRecord, expected: JsonRecord | undefined, mapping: ClaimMapping): RoundTrip {
  if (mapping.orientation !== 'agbac') {
    return { status: 'unknown', text: "No act round trip here: the human comes from their own sign-in (token exchange), not from an act the agent asserted." };
  }
  const act = payload.act;
  const tokenAct = act === undefined ? undefined : JSON.stringify(act);
  if (!expected) return { status: 'unknown', text: 'The assertion that obtained this token is not known here, so the round trip cannot be checked.', ...(tokenAct ? { tokenAct } : {}) };
  const assertionAct = JSON.stringify(expected);
  if (tokenAct === undefined) return { status: 'fail', text: 'The agent asserted act, but the token carries none.', assertionAct };
  return tokenAct === assertionAct
    ? { status: 'pass', text: "assertion.act = token.act: the authorization server copied the agent's act unchanged.", assertionAct, tokenAct }
    : { status: 'fail', text: 'assertion.act ≠ token.act: the token names someone else than the agent asserted.', assertionAct, tokenAct };
}

const HEADER_DOCS: Readonly<Record<string, { summary: string; detail: string }>> = {
  alg: { summary: 'Signing algorithm', detail: 'Okta signs access tokens with RS256; client assertions use HS256/384/512 (client_secret_jwt) or RS*/ES* (private_key_jwt).' },
  kid: { summary: 'Key id', detail: "Which of the issuer's published keys (its JWKS) signed the JWT." },
  typ: { summary: 'Type', detail: 'Usually JWT; Okta access tokens carry none.' },
};

function claimRows(record: JsonRecord, kind: 'header' | 'token' | 'assertion'): ClaimRow[] {
  const rows: ClaimRow[] = [];
  for (const [name, value] of Object.entries(record)) {
    const doc = kind === 'header' ? HEADER_DOCS[name] : claimDoc(kind, [name]);
    rows.push({ name, value: JSON.stringify(value) ?? 'undefined', depth: 0, ...(doc ? { summary: doc.summary, detail: doc.detail } : {}) });
    if (kind !== 'header' && isRecord(value)) {
      for (const [member, memberValue] of Object.entries(value)) {
        const memberDoc = claimDoc(kind, [name, member]);
        rows.push({ name: `${name}.${member}`, value: JSON.stringify(memberValue) ?? 'undefined', depth: 1, ...(memberDoc ? { summary: memberDoc.summary, detail: memberDoc.detail } : {}) });
      }
    }
  }
  return rows;
}
