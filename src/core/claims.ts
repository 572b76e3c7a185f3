/**
 * What each claim of an assertion or access token means, for hovers and the inspector: the
 * registered JWT claims, Okta's additions, and the AGBAC claims.
 */
import type { PayloadKind } from './lint';

export interface ClaimDoc {
  /** One line. */
  readonly summary: string;
  /** Markdown: what it must hold here, and Okta's specifics. */
  readonly detail: string;
  readonly time?: boolean;
}

type ClaimTable = Readonly<Record<string, ClaimDoc>>;

const ACT_NOTE =
  'RFC 8693 §4.1 defines `act` for the *actor*: the party acting on behalf of the subject `sub`. AGBAC turns the ' +
  'roles around: `sub` is the agent (the client that acts) and `act` is the human it acts for. Token exchange ' +
  '(RFC 8693, and Okta\'s own AI-agent features) does it the RFC way, with the human in `sub`.';

const COMMON: ClaimTable = {
  exp: { summary: 'Expiration time', detail: 'Seconds since 1970 (a JSON number). After this moment the JWT must be refused.', time: true },
  iat: { summary: 'Issued at', detail: 'Seconds since 1970 when the JWT was made. It must not be in the future.', time: true },
  nbf: { summary: 'Not before', detail: 'Seconds since 1970 before which the JWT must be refused. Rarely needed.', time: true },
  delegation: {
    summary: 'How the human delegated to the agent (AGBAC 1.0)',
    detail: 'Required by AGBAC 1.0: `granted_at` (ISO time), `method` (`explicit`, `implicit` or `system`), `intent_summary` (what the human asked for, summarised; never the raw prompt).',
  },
  agbac_ver: { summary: 'AGBAC specification version', detail: 'Required by AGBAC 1.0: `"1.0"`.' },
  delegation_expiry: { summary: 'When the delegation ends (AGBAC 1.0)', detail: 'Seconds since 1970 or an ISO time. After it, every request under this delegation is denied.', time: true },
};

const ASSERTION: ClaimTable = {
  ...COMMON,
  iss: { summary: 'Issuer: the agent\'s client id', detail: 'In a client assertion the client issues the JWT about itself: `iss` is the client id of the agent\'s Okta app (`0oa…`).' },
  sub: { summary: 'Subject: the agent\'s client id', detail: 'Equal to `iss`. The human does not go here; the human goes in `act`.' },
  aud: {
    summary: 'Audience: the token endpoint',
    detail: 'Okta accepts only the exact URL of the token endpoint being called, `https://{domain}/oauth2/{authServerId}/v1/token`. The setup guide says to use the authorization server URL; Okta refuses that with `invalid_client`.',
  },
  exp: { summary: 'Expiration time', detail: 'Required by Okta, at most one hour ahead; the guide uses `iat + 300`.', time: true },
  jti: { summary: 'JWT id: single use', detail: 'With a `jti` Okta accepts the assertion once ("already been used" on a replay). Use a random UUID for every assertion.' },
  act: { summary: 'Actor: the human the agent acts for', detail: `An object: \`sub\` (the Okta user id, \`00u…\`), optionally \`email\` and \`name\`. The authorization server copies it into the access token.\n\n${ACT_NOTE}` },
};

const TOKEN: ClaimTable = {
  ...COMMON,
  ver: { summary: 'Okta token format version', detail: 'Always `1` in Okta access tokens.' },
  jti: { summary: 'Token id', detail: 'Okta access token ids start with `AT.`. Useful to correlate audit events.' },
  iss: { summary: 'Issuer: the authorization server', detail: '`https://{domain}/oauth2/{authServerId}`. A resource server accepts exactly one issuer.' },
  aud: { summary: 'Audience: the API', detail: 'The authorization server\'s audience, e.g. `https://api.example.com/finance`. The resource server checks it is its own.' },
  cid: { summary: 'Client id of the app that got the token', detail: 'With client credentials, equal to `sub`: the agent.' },
  scp: { summary: 'Granted scopes', detail: 'An array in Okta tokens. The agent\'s authorization for the action is a scope here.' },
  sub: { summary: 'Subject: the agent', detail: 'With client credentials, the client id of the agent\'s app. AGBAC approves it independently of the human.' },
  uid: { summary: 'User id', detail: 'Present in tokens issued to a signed-in user; absent in client-credentials tokens.' },
  act: { summary: 'Actor: the human the agent acts for', detail: `Copied from the client assertion by the guide's claim expression. Without it AGBAC denies.\n\n${ACT_NOTE}` },
};

const ACTOR: ClaimTable = {
  sub: { summary: 'The human\'s Okta user id', detail: '`00u` followed by letters and digits (20 characters in real orgs). Pseudonymous, stable when the email changes, and the key to approvals and Okta\'s audit log. Never the email.' },
  email: { summary: 'The human\'s email, for people reading logs', detail: 'Personal data: audit events record `act.sub`, not this.' },
  name: { summary: 'The human\'s name, for people reading logs', detail: 'Personal data: audit events record `act.sub`, not this.' },
};

const DELEGATION: ClaimTable = {
  granted_at: { summary: 'When the human delegated', detail: 'An ISO 8601 time with a zone, not in the future.' },
  method: { summary: 'How the human delegated', detail: '`explicit` (asked the agent), `implicit` (a standing arrangement) or `system` (a process on the human\'s behalf).' },
  intent_summary: { summary: 'What the human asked for', detail: 'A short summary for auditors; never the raw prompt.' },
};

/** The claim tables, for generating the payload JSON schema. */
export const CLAIM_DOCS = { assertion: ASSERTION, token: TOKEN, actor: ACTOR, delegation: DELEGATION } as const;

/** The documentation of the claim at `path` (relative to the payload), if there is one. */
export function claimDoc(kind: PayloadKind, path: readonly (string | number)[]): ClaimDoc | undefined {
  const [first, second] = path;
  if (typeof first !== 'string') return undefined;
  if (path.length === 1) return (kind === 'assertion' ? ASSERTION : TOKEN)[first];
  if (path.length === 2 && typeof second === 'string') {
    if (first === 'act') return ACTOR[second];
    if (first === 'delegation') return DELEGATION[second];
  }
  return undefined;
}
