/**
 * The AGBAC rule catalogue: one entry per rule, as data. The same entries drive editor
 * diagnostics, hovers and quick fixes, the CLI's text/JSON/SARIF output, the token inspector's
 * checklist and the rule reference in the README. Codes are stable: never renumber a rule.
 */
import type { ProfileName } from '../profiles';
import { escapeControls } from '../text';

export type Severity = 'error' | 'warning' | 'info';

/** What a rule looks at: a JSON file, an assertion payload or header, an access token. */
export type RuleTarget = 'file' | 'assertion' | 'assertion-header' | 'token';

/** A one-click repair the editor offers for a finding (computed by `fixes.ts`). */
export type FixKind =
  | 'set-aud'
  | 'set-exp-conventional'
  | 'refresh-times'
  | 'generate-jti'
  | 'add-act'
  | 'act-sub-user-id'
  | 'add-delegation'
  | 'add-agbac-ver'
  | 'set-client-id';

/** A catalogue entry as written; {@link Rule} is the same with its code typed as a {@link RuleCode}. */
interface RuleEntry {
  /** Stable code, `AGBAC` + three digits. */
  readonly code: `AGBAC${string}`;
  /** Short kebab-case name. */
  readonly name: string;
  readonly targets: readonly RuleTarget[];
  readonly severity: Severity;
  /** A different severity under some profiles. */
  readonly severityIn?: Partial<Record<ProfileName, Severity>>;
  /**
   * The severity in an unsigned payload file that someone edits (a template): fixed times go stale
   * there by nature, and the signing step refreshes them. Signed JWTs keep `severity`.
   */
  readonly templateSeverity?: Severity;
  /**
   * The problem is a wrong JSON type or value that the payload JSON schema (media/schemas)
   * reports itself; the editor leaves it to the schema in the files the schema validates.
   */
  readonly schemaType?: true;
  /** Only checked under these profiles (all when absent). */
  readonly profiles?: readonly ProfileName[];
  /** One line; `{name}` placeholders are filled from the finding's parameters. */
  readonly message: string;
  /** Why it matters and what to do, in Markdown. */
  readonly explanation: string;
  /** The JSON path the finding points at. */
  readonly path: string;
  readonly fix?: FixKind;
  /** Where the requirement comes from. */
  readonly reference?: string;
}

const rules = [
  // ── The file and the payload ───────────────────────────────────────────────────────────────
  {
    code: 'AGBAC000',
    name: 'json-invalid',
    targets: ['file'],
    severity: 'error',
    message: 'Not valid JSON: {detail}',
    explanation:
      'The file could not be parsed, so none of its claims could be checked. Fix the syntax error first; ' +
      'comments and trailing commas are tolerated in `.jsonc`-style files, but a payload that is signed must be plain JSON.',
    path: '$',
  },
  {
    code: 'AGBAC001',
    name: 'payload-not-object',
    targets: ['assertion', 'token'],
    severity: 'error',
    schemaType: true,
    message: 'A JWT payload must be a JSON object, this is {kind}',
    explanation:
      'JWT claims are the members of one JSON object (RFC 7519 §7.2). Arrays, strings and numbers cannot carry ' +
      '`iss`, `sub` or `act`.',
    path: '$',
    reference: 'RFC 7519 §7.2',
  },

  // ── Who the agent is: iss and sub ──────────────────────────────────────────────────────────
  {
    code: 'AGBAC002',
    name: 'iss-missing',
    targets: ['assertion'],
    severity: 'error',
    message: '`iss` is missing: it must be the agent\'s client id',
    explanation:
      'In a client assertion the issuer is the client itself: `iss` must equal the client id of the agent\'s Okta ' +
      'app (`0oa…`). Without it Okta cannot tell which app signed the assertion.',
    path: '$.iss',
    fix: 'set-client-id',
    reference: 'RFC 7523 §3',
  },
  {
    code: 'AGBAC003',
    name: 'iss-invalid',
    targets: ['assertion'],
    severity: 'error',
    schemaType: true,
    message: '`iss` must be a non-empty string (the client id), it is {kind}',
    explanation: '`iss` holds the agent\'s client id as a string, for example `"0oa123abc456xyz"`.',
    path: '$.iss',
    fix: 'set-client-id',
    reference: 'RFC 7523 §3',
  },
  {
    code: 'AGBAC004',
    name: 'sub-missing',
    targets: ['assertion'],
    severity: 'error',
    message: '`sub` is missing: it must be the agent\'s client id',
    explanation:
      'For client authentication the subject is the client: `sub` must equal the client id, exactly like `iss`. ' +
      'The human the agent acts for does not go in `sub`; it goes in `act`.',
    path: '$.sub',
    fix: 'set-client-id',
    reference: 'RFC 7523 §3',
  },
  {
    code: 'AGBAC005',
    name: 'sub-invalid',
    targets: ['assertion'],
    severity: 'error',
    schemaType: true,
    message: '`sub` must be a non-empty string (the client id), it is {kind}',
    explanation: '`sub` holds the agent\'s client id as a string, the same value as `iss`.',
    path: '$.sub',
    fix: 'set-client-id',
    reference: 'RFC 7523 §3',
  },
  {
    code: 'AGBAC006',
    name: 'iss-sub-differ',
    targets: ['assertion'],
    severity: 'error',
    message: '`sub` ("{sub}") differs from `iss` ("{iss}"): both must be the client id',
    explanation:
      'Okta authenticates the client named by `iss` and `sub` and requires both to be its client id. A common ' +
      'mistake is putting the human\'s user id or email in `sub`: the human belongs in `act.sub`, the agent stays in ' +
      '`sub`.',
    path: '$.sub',
    fix: 'set-client-id',
    reference: 'RFC 7523 §3; Okta: client authentication with a JWT',
  },
  {
    code: 'AGBAC007',
    name: 'client-id-mismatch',
    targets: ['assertion'],
    severity: 'error',
    message: '`{claim}` is "{actual}" but the connection\'s client id is "{expected}"',
    explanation:
      'The assertion names a different app than the one configured for this connection. Okta looks the client up by ' +
      'this value and answers `invalid_client` ("Client authentication failed...") when it does not match the ' +
      'credentials used to sign.',
    path: '$.iss',
    fix: 'set-client-id',
  },

  // ── Who it is for: aud ─────────────────────────────────────────────────────────────────────
  {
    code: 'AGBAC008',
    name: 'aud-missing',
    targets: ['assertion'],
    severity: 'error',
    message: '`aud` is missing: it must be the token endpoint URL',
    explanation:
      'The audience tells the authorization server that the assertion was made for it. Okta requires the exact URL of ' +
      'the token endpoint being called: `https://{domain}/oauth2/{authServerId}/v1/token`.',
    path: '$.aud',
    fix: 'set-aud',
    reference: 'RFC 7523 §3',
  },
  {
    code: 'AGBAC009',
    name: 'aud-invalid',
    targets: ['assertion'],
    severity: 'error',
    schemaType: true,
    message: '`aud` must be one URL string, it is {kind}',
    explanation:
      'RFC 7519 allows an array of audiences, but Okta compares the assertion\'s `aud` with the one endpoint that was ' +
      'called. Use a single string.',
    path: '$.aud',
    fix: 'set-aud',
  },
  {
    code: 'AGBAC010',
    name: 'aud-is-issuer',
    targets: ['assertion'],
    severity: 'error',
    message: '`aud` is the authorization server\'s issuer URL; Okta accepts only the token endpoint ({expected})',
    explanation:
      'The setup guide (and the `dual-auth` reference code) tell you to put the authorization server URL in `aud` ' +
      'and *not* the token endpoint. Real Okta does the opposite: it answers HTTP 401 `invalid_client` with "The audience ' +
      'claim for client_assertion must be the endpoint invoked for the request." Use the token endpoint, ' +
      '`{issuer}/v1/token`.\n\nIf you test against a server configured to follow the guide literally (the sandbox\'s ' +
      '`--accept-issuer-audience`), switch the audience convention to `issuer` (setting `agbac.assertionAudience`, CLI ' +
      '`--audience-style issuer`).',
    path: '$.aud',
    fix: 'set-aud',
    reference: 'RFC 7523 §3; Okta token endpoint behaviour; guide step 8.1 (contrary)',
  },
  {
    code: 'AGBAC011',
    name: 'aud-unexpected',
    targets: ['assertion'],
    severity: 'error',
    message: '`aud` is "{actual}", expected {expected}',
    explanation:
      'The audience does not match the authorization server this connection talks to. Check the Okta domain and the ' +
      'authorization server id (`aus…`) in the URL.',
    path: '$.aud',
    fix: 'set-aud',
  },
  {
    code: 'AGBAC012',
    name: 'aud-is-api-audience',
    targets: ['assertion'],
    severity: 'error',
    message: '`aud` is the API audience ("{actual}"), not the authorization server',
    explanation:
      'Two different audiences are involved. The *client assertion* is addressed to Okta (its token endpoint). The ' +
      '*access token* Okta issues is addressed to your API (the authorization server\'s audience, e.g. ' +
      '`https://api.example.com/finance`). The API audience never goes in the assertion.',
    path: '$.aud',
    fix: 'set-aud',
  },
  {
    code: 'AGBAC013',
    name: 'aud-not-url',
    targets: ['assertion'],
    severity: 'error',
    message: '`aud` is not an absolute URL: "{actual}"',
    explanation: 'The audience of an Okta client assertion is a URL such as `https://dev-123456.okta.com/oauth2/aus123abc456/v1/token`.',
    path: '$.aud',
    fix: 'set-aud',
  },
  {
    code: 'AGBAC014',
    name: 'aud-insecure',
    targets: ['assertion'],
    severity: 'error',
    message: '`aud` uses http on a non-loopback host ({host})',
    explanation:
      'Okta is only reachable over https, and a token endpoint over plain http would expose the assertion and the ' +
      'access token. http is accepted only for loopback hosts (the local sandbox).',
    path: '$.aud',
    fix: 'set-aud',
  },

  // ── When: exp, iat, nbf ────────────────────────────────────────────────────────────────────
  {
    code: 'AGBAC015',
    name: 'exp-missing',
    targets: ['assertion'],
    severity: 'error',
    message: '`exp` is missing: Okta requires an expiry',
    explanation:
      'Okta refuses assertions without `exp`. The guide\'s convention is `exp = iat + 300` (five minutes); Okta ' +
      'accepts at most one hour ahead.',
    path: '$.exp',
    fix: 'refresh-times',
    reference: 'RFC 7523 §3',
  },
  {
    code: 'AGBAC016',
    name: 'exp-invalid',
    targets: ['assertion'],
    severity: 'error',
    schemaType: true,
    message: '`exp` must be a NumericDate (seconds since 1970 as a JSON number), it is {kind}',
    explanation:
      'JWT times are JSON numbers counting seconds, e.g. `1735686300`. A quoted number (`"1735686300"`) or an ISO ' +
      'date string is rejected.',
    path: '$.exp',
    fix: 'refresh-times',
    reference: 'RFC 7519 §2, §4.1.4',
  },
  {
    code: 'AGBAC017',
    name: 'exp-not-after-iat',
    targets: ['assertion'],
    severity: 'error',
    message: '`exp` ({exp}) is not after `iat` ({iat})',
    explanation: 'An assertion that expires when or before it is issued can never be used.',
    path: '$.exp',
    fix: 'set-exp-conventional',
  },
  {
    code: 'AGBAC018',
    name: 'exp-too-far',
    targets: ['assertion'],
    severity: 'error',
    message: '`exp` is {distance} after {from}; Okta accepts at most 3600 s{hint}',
    explanation:
      'Okta answers `invalid_client` "The client_assertion token has an expiration too far into the future." when ' +
      '`exp` is more than one hour ahead. Assertions are meant to be short-lived: the guide uses five minutes. A value ' +
      'about 1000 times too large is usually milliseconds instead of seconds.',
    path: '$.exp',
    fix: 'set-exp-conventional',
    reference: 'Okta token endpoint behaviour',
  },
  {
    code: 'AGBAC019',
    name: 'lifetime-unconventional',
    targets: ['assertion'],
    severity: 'info',
    message: '`exp` − `iat` is {lifetime}; the guide\'s convention is 300 s',
    explanation:
      'Not an error: Okta accepts any lifetime up to one hour. The setup guide uses five minutes, long enough for one ' +
      'token request and short enough that a leaked assertion is soon useless.',
    path: '$.exp',
    fix: 'set-exp-conventional',
  },
  {
    code: 'AGBAC020',
    name: 'assertion-expired',
    targets: ['assertion'],
    severity: 'warning',
    templateSeverity: 'info',
    message: 'The assertion expired {ago} ({time})',
    explanation:
      'Okta answers `invalid_client` "The client_assertion token is expired." Payload files with fixed times go ' +
      'stale: refresh `iat` and `exp` before signing (quick fix "Refresh iat/exp"), or let the toolkit build the ' +
      'assertion for you.',
    path: '$.exp',
    fix: 'refresh-times',
    reference: 'Okta token endpoint behaviour',
  },
  {
    code: 'AGBAC021',
    name: 'iat-in-future',
    targets: ['assertion'],
    severity: 'error',
    message: '`iat` is {distance} in the future, beyond the allowed clock skew of {skew} s',
    explanation:
      'An assertion cannot be issued in the future. Usually the agent\'s clock is wrong or `iat` was written in ' +
      'milliseconds. Synchronise the clock (NTP) or set `iat` to the current time.',
    path: '$.iat',
    fix: 'refresh-times',
  },
  {
    code: 'AGBAC022',
    name: 'nbf-in-future',
    targets: ['assertion'],
    severity: 'error',
    message: '`nbf` is {distance} in the future: the assertion is not valid yet',
    explanation: 'A `not before` time in the future makes the server refuse the assertion until then. Most assertions need no `nbf` at all.',
    path: '$.nbf',
    fix: 'refresh-times',
  },
  {
    code: 'AGBAC023',
    name: 'time-claim-invalid',
    targets: ['assertion', 'token'],
    severity: 'error',
    schemaType: true,
    message: '`{claim}` must be a NumericDate (seconds since 1970 as a JSON number), it is {kind}',
    explanation:
      'JWT time claims are JSON numbers counting seconds since 1970-01-01T00:00:00Z. In an access token an `nbf` or ' +
      '`iat` that is not such a number (a string, or `1e999`, which JSON readers turn into infinity) is refused like a ' +
      'bad `exp`: skipping a time check the token asked for would let it be used outside its window.',
    path: '$.iat',
    fix: 'refresh-times',
    reference: 'RFC 7519 §2',
  },

  // ── Replay: jti ────────────────────────────────────────────────────────────────────────────
  {
    code: 'AGBAC024',
    name: 'jti-missing',
    targets: ['assertion'],
    severity: 'warning',
    severityIn: { 'agbac-1.0': 'error' },
    message: '`jti` is missing: the assertion can be replayed until it expires',
    explanation:
      'Okta does not require `jti`, but with one it accepts each assertion only once ("The client_assertion token has ' +
      'already been used." on a replay). AGBAC 1.0 requires replay resistance, so the `agbac-1.0` profile treats a ' +
      'missing `jti` as an error. Use a random UUID for every assertion.',
    path: '$.jti',
    fix: 'generate-jti',
    reference: 'RFC 7519 §4.1.7; AGBAC 1.0 (replay resistance)',
  },
  {
    code: 'AGBAC025',
    name: 'jti-invalid',
    targets: ['assertion'],
    severity: 'error',
    schemaType: true,
    message: '`jti` must be a non-empty string, it is {kind}',
    explanation: 'The JWT ID is a case-sensitive string unique to this assertion.',
    path: '$.jti',
    fix: 'generate-jti',
    reference: 'RFC 7519 §4.1.7',
  },
  {
    code: 'AGBAC026',
    name: 'jti-short',
    targets: ['assertion'],
    severity: 'warning',
    message: '`jti` has {length} characters: too short to be unique',
    explanation:
      'A short identifier will be reused sooner or later, and Okta then refuses the assertion as a replay. Use a ' +
      'random UUID (36 characters).',
    path: '$.jti',
    fix: 'generate-jti',
  },
  {
    code: 'AGBAC027',
    name: 'jti-predictable',
    targets: ['assertion'],
    severity: 'warning',
    message: '`jti` "{jti}" {reason}',
    explanation:
      'The guide\'s Python builds `jti` from the current second (`assertion-{int(time.time())}`), so two assertions made ' +
      'in the same second share it and the second one is refused as already used. Fixed example values are reused on ' +
      'every run. Generate a random UUID for each assertion.',
    path: '$.jti',
    fix: 'generate-jti',
  },

  // ── Who the agent acts for: act ────────────────────────────────────────────────────────────
  {
    code: 'AGBAC028',
    name: 'act-missing',
    targets: ['assertion'],
    severity: 'error',
    message: '`act` is missing: the token will carry no human',
    explanation:
      'The `act` object names the human the agent acts for. The authorization server copies it into the access token ' +
      '(the guide\'s claim `act` = `clientAssertion.claims.act`); without it the claim is silently omitted and every ' +
      'AGBAC resource server must deny the request.',
    path: '$.act',
    fix: 'add-act',
  },
  {
    code: 'AGBAC029',
    name: 'act-not-object',
    targets: ['assertion', 'token'],
    severity: 'error',
    schemaType: true,
    message: '`act` must be an object with `sub`, it is {kind}',
    explanation:
      '`act` is a JSON object whose `sub` is the human\'s Okta user id, optionally with `email` and `name`: ' +
      '`{"sub": "00u…", "email": "…", "name": "…"}`. A bare string is not an actor claim (RFC 8693 §4.1).',
    path: '$.act',
    fix: 'add-act',
    reference: 'RFC 8693 §4.1',
  },
  {
    code: 'AGBAC030',
    name: 'act-sub-missing',
    targets: ['assertion', 'token'],
    severity: 'error',
    message: '`act.sub` is missing or empty: the human is not identified',
    explanation: 'The human\'s identity is `act.sub`, their Okta user id (`00u…`). Email and name are for people reading logs, not for decisions.',
    path: '$.act.sub',
    fix: 'act-sub-user-id',
    reference: 'RFC 8693 §4.1',
  },
  {
    code: 'AGBAC031',
    name: 'act-sub-email',
    targets: ['assertion', 'token'],
    severity: 'error',
    message: '`act.sub` is an email address ("{value}"); use the Okta user id (00u…)',
    explanation:
      'Identify the human by their Okta user id, not their email: the id is pseudonymous (not personal data in logs), ' +
      'stable when the email changes, unique, and the key for Okta\'s System Log and group look-ups. Put the email ' +
      'in `act.email` if people need to read it. Find the id with "AGBAC: Look Up User ID" or `agbac whois <login>`.',
    path: '$.act.sub',
    fix: 'act-sub-user-id',
    reference: 'Guide step 7.5',
  },
  {
    code: 'AGBAC032',
    name: 'act-sub-not-user-id',
    targets: ['assertion', 'token'],
    severity: 'warning',
    message: '`act.sub` "{value}" is not an Okta user id (00u followed by letters and digits)',
    explanation:
      'Okta user ids start with `00u` (groups are `00g`, apps `0oa`, authorization servers `aus`). A value of another ' +
      'kind will not match the human\'s approvals or Okta\'s audit records.',
    path: '$.act.sub',
    fix: 'act-sub-user-id',
    reference: 'Guide step 7.5',
  },
  {
    code: 'AGBAC033',
    name: 'act-sub-unusual-length',
    targets: ['assertion', 'token'],
    severity: 'info',
    message: '`act.sub` "{value}" has {length} characters after 00u; real Okta user ids have 15 to 17',
    explanation:
      'Real Okta user ids are 20 characters long (`00u` + 17). Shorter values such as the guide\'s example ' +
      '`00u123abc456xyz` are placeholders: replace them with the real id of the human.',
    path: '$.act.sub',
    fix: 'act-sub-user-id',
  },
  {
    code: 'AGBAC034',
    name: 'act-email-invalid',
    targets: ['assertion', 'token'],
    severity: 'warning',
    message: '`act.email` is not an email address: {value}',
    explanation: '`act.email` is for human-readable logs; when present it should be the human\'s primary email address.',
    path: '$.act.email',
  },
  {
    code: 'AGBAC035',
    name: 'act-unknown-member',
    targets: ['assertion', 'token'],
    severity: 'info',
    message: '`act.{member}` is not a member the guide or AGBAC 1.0 define',
    explanation:
      'The actor object carries `sub` (required), `email` and `name`. Extra members travel into the access token and ' +
      'every log that records it; keep personal data out of them.',
    path: '$.act',
  },

  // ── AGBAC 1.0: delegation and agbac_ver ────────────────────────────────────────────────────
  {
    code: 'AGBAC040',
    name: 'delegation-missing',
    targets: ['assertion', 'token'],
    severity: 'error',
    profiles: ['agbac-1.0'],
    message: '`delegation` is missing (required by AGBAC 1.0)',
    explanation:
      'AGBAC 1.0 requires a `delegation` object that records how the human delegated to the agent: `granted_at` ' +
      '(ISO time), `method` (`explicit`, `implicit` or `system`) and `intent_summary`. The Okta guide\'s flow does not ' +
      'send it; use the `okta-guide` profile to check that flow.',
    path: '$.delegation',
    fix: 'add-delegation',
    reference: 'AGBAC 1.0',
  },
  {
    code: 'AGBAC041',
    name: 'delegation-not-object',
    targets: ['assertion', 'token'],
    severity: 'error',
    schemaType: true,
    message: '`delegation` must be an object, it is {kind}',
    explanation: '`delegation` is an object: `{"granted_at": "…", "method": "explicit", "intent_summary": "…"}`.',
    path: '$.delegation',
    fix: 'add-delegation',
    reference: 'AGBAC 1.0',
  },
  {
    code: 'AGBAC042',
    name: 'delegation-granted-at-invalid',
    targets: ['assertion', 'token'],
    severity: 'error',
    message: '`delegation.granted_at` must be an ISO 8601 time with a zone, it is {value}',
    explanation: 'When the human granted the delegation, e.g. `"2026-01-02T10:00:00Z"`.',
    path: '$.delegation.granted_at',
    fix: 'add-delegation',
    reference: 'AGBAC 1.0',
  },
  {
    code: 'AGBAC043',
    name: 'delegation-granted-at-future',
    targets: ['assertion', 'token'],
    severity: 'error',
    message: '`delegation.granted_at` is {distance} in the future',
    explanation: 'A delegation cannot have been granted after the request that relies on it.',
    path: '$.delegation.granted_at',
    reference: 'AGBAC 1.0',
  },
  {
    code: 'AGBAC044',
    name: 'delegation-method-invalid',
    targets: ['assertion', 'token'],
    severity: 'error',
    schemaType: true,
    message: '`delegation.method` must be explicit, implicit or system, it is {value}',
    explanation:
      '`explicit`: the human asked the agent to act; `implicit`: the action follows from a standing arrangement; ' +
      '`system`: a system process delegated on the human\'s behalf.',
    path: '$.delegation.method',
    reference: 'AGBAC 1.0',
  },
  {
    code: 'AGBAC045',
    name: 'delegation-intent-missing',
    targets: ['assertion', 'token'],
    severity: 'error',
    message: '`delegation.intent_summary` is missing or empty',
    explanation:
      'A short statement of what the human asked for, for auditors. Summarise; never paste the raw prompt (AGBAC ' +
      'audit events carry no raw prompts).',
    path: '$.delegation.intent_summary',
    reference: 'AGBAC 1.0',
  },
  {
    code: 'AGBAC046',
    name: 'agbac-ver-missing',
    targets: ['assertion', 'token'],
    severity: 'error',
    profiles: ['agbac-1.0'],
    message: '`agbac_ver` is missing (required by AGBAC 1.0)',
    explanation: 'AGBAC 1.0 tokens declare the specification version they follow: `"agbac_ver": "1.0"`.',
    path: '$.agbac_ver',
    fix: 'add-agbac-ver',
    reference: 'AGBAC 1.0',
  },
  {
    code: 'AGBAC047',
    name: 'agbac-ver-unknown',
    targets: ['assertion', 'token'],
    severity: 'error',
    schemaType: true,
    message: '`agbac_ver` is {value}; this toolkit knows "1.0"',
    explanation: 'The version is a string such as `"1.0"`. An unknown version cannot be validated against its rules.',
    path: '$.agbac_ver',
    fix: 'add-agbac-ver',
    reference: 'AGBAC 1.0',
  },
  {
    code: 'AGBAC048',
    name: 'delegation-expired',
    targets: ['assertion', 'token'],
    severity: 'error',
    message: 'The delegation expired {ago} ({time})',
    explanation: 'AGBAC allows access only while the delegation is valid and unexpired. The human must delegate again.',
    path: '$.delegation_expiry',
    reference: 'AGBAC 1.0 (dual-subject rule)',
  },
  {
    code: 'AGBAC049',
    name: 'delegation-expiry-invalid',
    targets: ['assertion', 'token'],
    severity: 'error',
    message: '`delegation_expiry` must be a NumericDate or an ISO 8601 time, it is {value}',
    explanation: 'When the delegation ends, as seconds since 1970 or an ISO 8601 time with a zone.',
    path: '$.delegation_expiry',
    reference: 'AGBAC 1.0',
  },

  // ── The signed assertion's header ─────────────────────────────────────────────────────────
  {
    code: 'AGBAC060',
    name: 'alg-none',
    targets: ['assertion-header', 'token'],
    severity: 'error',
    message: '`alg` is "none": the JWT is unsigned',
    explanation:
      'An unsigned JWT proves nothing: anybody can write one. Okta refuses it, and a verifier must never accept it. ' +
      'Sign with HS256 (client secret) or RS256/ES256 (private key).',
    path: '$.alg',
    reference: 'RFC 8725 §3.1',
  },
  {
    code: 'AGBAC061',
    name: 'alg-wrong-for-method',
    targets: ['assertion-header'],
    severity: 'error',
    message: '`alg` {alg} does not fit the {method} method; use {allowed}',
    explanation:
      '`client_secret_jwt` signs with the client secret (HS256/HS384/HS512); `private_key_jwt` signs with the agent\'s ' +
      'private key (RS256/384/512 or ES256/384/512) whose public key is registered with the app. Okta verifies with the ' +
      'credential of the app\'s configured method and answers "The client_assertion signature is invalid." otherwise.',
    path: '$.alg',
    reference: 'Okta client authentication methods',
  },
  {
    code: 'AGBAC062',
    name: 'alg-unsupported',
    targets: ['assertion-header'],
    severity: 'error',
    message: '`alg` {alg} is not one Okta accepts for client assertions',
    explanation: 'Okta accepts HS256/384/512 for `client_secret_jwt` and RS256/384/512, ES256/384/512 for `private_key_jwt`. PS* and EdDSA are not on that list.',
    path: '$.alg',
    reference: 'Okta client authentication methods',
  },
  {
    code: 'AGBAC063',
    name: 'kid-missing',
    targets: ['assertion-header'],
    severity: 'error',
    message: '`kid` is missing: Okta needs it to pick the app\'s public key',
    explanation:
      'With `private_key_jwt` Okta looks up the key whose `kid` matches among the keys registered with the app and ' +
      'answers "The client_assertion JWT kid is invalid." when there is none. Put the registered key\'s id in the header.',
    path: '$.kid',
    reference: 'Okta private_key_jwt',
  },

  // ── Access tokens ─────────────────────────────────────────────────────────────────────────
  {
    code: 'AGBAC090',
    name: 'jwt-malformed',
    targets: ['assertion', 'token'],
    severity: 'error',
    message: 'Not a readable JWT: {detail}',
    explanation:
      'A compact JWT is three base64url segments separated by dots: header, payload, signature. The header and payload ' +
      'must decode to JSON objects.',
    path: '$',
    reference: 'RFC 7515 §7.1',
  },
  {
    code: 'AGBAC091',
    name: 'file-unreadable',
    targets: ['file'],
    severity: 'error',
    message: 'Cannot read the file: {reason}',
    explanation:
      'The file could not be read as UTF-8 text, so none of it was checked: it is missing, a folder, not a regular file ' +
      '(a FIFO, a device such as `/dev/zero`, a socket), unreadable for this user, larger than the linter reads, or not ' +
      'UTF-8 (UTF-16 files start with a byte order mark FF FE or FE FF). The other files are still linted.',
    path: '$',
  },
  {
    code: 'AGBAC092',
    name: 'json-too-deep',
    targets: ['file'],
    severity: 'error',
    message: 'JSON nested deeper than {limit} levels (at line {line}): too deep to check safely',
    explanation:
      'Payloads are two or three levels deep. Nesting far beyond that is no payload, and reading it with the recursive ' +
      'parsers every JSON tool uses can exhaust the stack, so the file is refused as a whole instead.',
    path: '$',
  },
  {
    code: 'AGBAC100',
    name: 'token-signature-invalid',
    targets: ['token'],
    severity: 'error',
    message: 'The signature does not verify with the issuer\'s key{detail}',
    explanation:
      'The token was altered, or signed by another server or key. Check that the keys come from the issuer\'s ' +
      '`/v1/keys` (its `jwks_uri`), not from another authorization server. Nothing in an unverified token can be trusted.',
    path: '$',
    reference: 'RFC 7515 §5.2',
  },
  {
    code: 'AGBAC101',
    name: 'token-alg-not-allowed',
    targets: ['token'],
    severity: 'error',
    message: '`alg` {alg} is not in the allowed list ({allowed})',
    explanation:
      'A verifier decides the algorithm, never the token: otherwise an attacker can switch an RS256 token to HS256 and ' +
      'sign it with the public key as an HMAC secret ("algorithm confusion"). Okta signs access tokens with RS256 only.',
    path: '$.alg',
    reference: 'RFC 8725 §2.1, §3.1',
  },
  {
    code: 'AGBAC102',
    name: 'token-kid-unknown',
    targets: ['token'],
    severity: 'error',
    message: 'No key in the key set matches `kid` {kid}',
    explanation:
      'The issuer\'s key set has no key with this id. Either the token comes from another server, or the keys were ' +
      'rotated and the cached key set is stale (fetch `/v1/keys` again).',
    path: '$.kid',
  },
  {
    code: 'AGBAC103',
    name: 'token-iss-mismatch',
    targets: ['token'],
    severity: 'error',
    message: '`iss` is {actual}, expected "{expected}"',
    explanation:
      'The issuer must be exactly the authorization server you trust, `https://{domain}/oauth2/{authServerId}`. Tokens ' +
      'from the org authorization server or another custom server are not for this API.',
    path: '$.iss',
    reference: 'RFC 7519 §4.1.1',
  },
  {
    code: 'AGBAC104',
    name: 'token-aud-mismatch',
    targets: ['token'],
    severity: 'error',
    message: '`aud` is {actual}, expected "{expected}"',
    explanation:
      'An access token is for one API: its `aud` must be the audience configured on the authorization server (the ' +
      'guide uses `https://api.example.com/finance`). Accepting other audiences lets tokens for one API be replayed ' +
      'at another.',
    path: '$.aud',
    reference: 'RFC 7519 §4.1.3',
  },
  {
    code: 'AGBAC105',
    name: 'token-expired',
    targets: ['token'],
    severity: 'error',
    templateSeverity: 'info',
    message: 'The token expired {ago} ({time})',
    explanation: 'Request a new token. Okta access tokens live from 5 minutes to 24 hours (the guide\'s rule: 60 minutes).',
    path: '$.exp',
    reference: 'RFC 7519 §4.1.4',
  },
  {
    code: 'AGBAC106',
    name: 'token-not-yet-valid',
    targets: ['token'],
    severity: 'error',
    message: '`nbf` is {distance} in the future: the token is not valid yet',
    explanation: 'The token may not be used before its `nbf` time. A clock difference beyond the allowed skew also causes this.',
    path: '$.nbf',
    reference: 'RFC 7519 §4.1.5',
  },
  {
    code: 'AGBAC107',
    name: 'token-iat-future',
    targets: ['token'],
    severity: 'error',
    message: '`iat` is {distance} in the future',
    explanation: 'A token cannot be issued in the future; the issuer\'s or this machine\'s clock is wrong beyond the allowed skew.',
    path: '$.iat',
  },
  {
    code: 'AGBAC108',
    name: 'token-exp-invalid',
    targets: ['token'],
    severity: 'error',
    message: '`exp` is {kind}: a token must say when it expires',
    explanation: 'AGBAC tokens are short-lived; a token without a numeric `exp` never expires and must be refused.',
    path: '$.exp',
    reference: 'AGBAC 1.0',
  },
  {
    code: 'AGBAC109',
    name: 'token-agent-missing',
    targets: ['token'],
    severity: 'error',
    message: 'The agent is not identified: `{claim}` is {kind}',
    explanation:
      'The agent is the token\'s `sub` (with Okta and client credentials, the client id). Without it the agent cannot be ' +
      'approved and the request must be denied.',
    path: '$.sub',
  },
  {
    code: 'AGBAC110',
    name: 'token-cid-missing',
    targets: ['token'],
    severity: 'error',
    message: '`{claim}` (the client id) is missing',
    explanation: 'Okta puts the client id of the app that obtained the token in `cid`. Its absence means the token is not an Okta client-credentials token.',
    path: '$.cid',
  },
  {
    code: 'AGBAC111',
    name: 'token-cid-not-agent',
    targets: ['token'],
    severity: 'error',
    message: '`{claim}` ("{cid}") is not the agent ("{agent}")',
    explanation:
      'With client credentials the token\'s subject is the client itself, so `cid` and `sub` are the same id. A ' +
      'difference means the token was obtained by another client than the agent it names.',
    path: '$.cid',
  },
  {
    code: 'AGBAC112',
    name: 'token-scope-missing',
    targets: ['token'],
    severity: 'error',
    message: 'Scope "{scope}" was not granted (granted: {granted})',
    explanation:
      'The agent\'s authorization for this action is the scope Okta granted; request it in the token request and make ' +
      'sure the authorization server has it and the policy rule allows it.',
    path: '$.scp',
  },
  {
    code: 'AGBAC113',
    name: 'token-act-missing',
    targets: ['token'],
    severity: 'error',
    message: 'The token has no `{claim}`: it carries no human, so the request is denied',
    explanation:
      'Without the actor claim a dual-subject decision is impossible, and AGBAC always denies. Mechanisms that add ' +
      '`act` fail silently: the guide\'s claim expression `clientAssertion.claims.act` is omitted when the assertion ' +
      'has no `act`, and Okta does not document `clientAssertion` in its expression language at all, so a real org may ' +
      'never evaluate it. Alternatives that Okta documents: a token inline hook (`com.okta.oauth2.tokens.transform`, ' +
      'which fails open: the token is issued unmodified when the hook fails) or RFC 8693 token exchange.',
    path: '$.act',
    reference: 'AGBAC 1.0 (dual-subject rule); Okta expression language',
  },
  {
    code: 'AGBAC114',
    name: 'agent-not-approved',
    targets: ['token'],
    severity: 'error',
    message: 'The agent "{agent}" is not approved for this resource',
    explanation: 'AGBAC allows access only when the agent is authorized in its own right. Add the agent to the approved list if it should be.',
    path: '$.sub',
    reference: 'AGBAC 1.0 (dual-subject rule)',
  },
  {
    code: 'AGBAC115',
    name: 'human-not-approved',
    targets: ['token'],
    severity: 'error',
    message: 'The human "{human}" is not approved{detail}',
    explanation:
      'AGBAC allows access only when the human the agent acts for is authorized too, independently of the agent: by ' +
      'an allow-list or by membership of an Okta group (e.g. `FinanceUsers`). An agent may not do for someone what ' +
      'that person may not do.',
    path: '$.act.sub',
    reference: 'AGBAC 1.0 (dual-subject rule)',
  },
  {
    code: 'AGBAC116',
    name: 'act-round-trip-mismatch',
    targets: ['token'],
    severity: 'error',
    message: 'The token\'s `act.{member}` ({actual}) differs from the assertion\'s ({expected})',
    explanation:
      'The access token must carry exactly the human the agent put in its assertion. A difference means the claim was ' +
      'taken from elsewhere (another claim, a hook, a stale configuration) and the token speaks for the wrong person.',
    path: '$.act',
  },
  {
    code: 'AGBAC117',
    name: 'subjects-reversed',
    targets: ['token'],
    severity: 'warning',
    message: '`sub` looks like a user and `act.sub` like a client: RFC 8693 orientation?',
    explanation:
      'AGBAC puts the agent in `sub` and the human in `act`. RFC 8693 token exchange (and Okta\'s own AI-agent ' +
      'features) do the opposite: the human is `sub` and the agent acts. Choose the claim mapping that matches the issuer ' +
      '(`token-exchange`), or the agent and human approvals will be checked against the wrong ids.',
    path: '$.sub',
    reference: 'RFC 8693 §4.1',
  },
  {
    code: 'AGBAC118',
    name: 'human-not-user-id',
    targets: ['token'],
    severity: 'error',
    message: 'The human {value} is not an Okta user id (00u followed by letters and digits), so no approval can name them',
    explanation:
      'A human is approved by identity: the Okta user id (`00u…`) in `act.sub`, never a login, a login shortname, an ' +
      'email address, `me` or any other form the Management API also resolves. Those forms change owners and can be ' +
      'chosen by whoever creates an account; an approval that follows them approves whoever holds the alias today. ' +
      'Put the user id in the assertion (`agbac whois <login>` finds it).',
    path: '$.act.sub',
    reference: 'AGBAC 1.0 (dual-subject rule)',
  },
  {
    code: 'AGBAC119',
    name: 'human-is-agent',
    targets: ['token'],
    severity: 'error',
    message: 'The human is the agent itself ("{agent}"): the token names no person',
    explanation:
      'A dual-subject token needs two subjects. An agent that names itself as the human it acts for has no human ' +
      'behind it, so approving "the human" would approve the agent twice.',
    path: '$.act.sub',
    reference: 'AGBAC 1.0 (dual-subject rule)',
  },
  {
    code: 'AGBAC120',
    name: 'human-unchecked',
    targets: ['token'],
    severity: 'error',
    message: 'The human {human} was not approved: no allow-list or group was given (or waive the check explicitly)',
    explanation:
      'AGBAC allows a request only when the human is approved as well as the agent. Without an allow-list (`--human`) ' +
      'or a group (`--group`) nothing approved the human, so the decision is DENY. When only the agent matters, waive ' +
      'the human check explicitly (`--no-human-check`): the outcome is then ALLOW_HUMAN_UNCHECKED, which never reads as ' +
      'a dual-subject ALLOW in the output or the audit event.',
    path: '$.act.sub',
    reference: 'AGBAC 1.0 (dual-subject rule)',
  },
  {
    code: 'AGBAC125',
    name: 'agent-unchecked',
    targets: ['token'],
    severity: 'error',
    message: 'The agent {agent} was not approved: no approved-agent list was given (or waive the check explicitly)',
    explanation:
      'AGBAC allows a request only when the agent is approved in its own right, by its client id, as well as the human. ' +
      'Without an approved-agent list (`--agent`) nothing approved the agent, so the decision is DENY: a token from any ' +
      'client of the authorization server would otherwise pass. When the agent is checked some other way, waive the check ' +
      'explicitly (`--no-agent-check`): the outcome is then ALLOW_AGENT_UNCHECKED, which never reads as a dual-subject ALLOW.',
    path: '$.sub',
    reference: 'AGBAC 1.0 (dual-subject rule)',
  },
  {
    code: 'AGBAC121',
    name: 'token-lifetime-too-long',
    targets: ['token'],
    severity: 'error',
    message: '`exp` is {distance} after {from}; no access token this verifier accepts lives longer than {max}',
    explanation:
      'Okta issues access tokens for 5 minutes to 24 hours. An `exp` years ahead is no token an issuer made for this ' +
      'API: a forged or misconfigured token that would never expire. Raise the limit only for an issuer known to ' +
      'issue longer tokens.',
    path: '$.exp',
    reference: 'RFC 8725 §3.10; Okta access token lifetime',
  },
  {
    code: 'AGBAC122',
    name: 'token-crit-unsupported',
    targets: ['token'],
    severity: 'error',
    message: 'The header marks {members} as critical (`crit`); this verifier implements no JWS extension',
    explanation:
      'A recipient must refuse a JWS whose `crit` names an extension it does not implement (RFC 7515 §4.1.11). This ' +
      'verifier implements none, not even `b64` (RFC 7797), which signs the payload unencoded so that the signed bytes ' +
      'and the claims read from the token can differ. Okta never sends `crit`.',
    path: '$.crit',
    reference: 'RFC 7515 §4.1.11; RFC 7797',
  },
  {
    code: 'AGBAC123',
    name: 'act-chain-nested',
    targets: ['token'],
    severity: 'error',
    message: 'The chain of actors is refused: {detail}',
    explanation:
      'A nested `act` records a chain of actors (RFC 8693 §4.1). Whose approval each level needs: with the AGBAC ' +
      'mapping (agent in `sub`, human in `act`) the token names exactly one human, so a chain inside `act` names a ' +
      'party no approval covers, and it is refused. With the token-exchange mapping (human in `sub`, agent in `act`) ' +
      'every actor of the chain is an agent that acted, and each must be on the approved agent list when one is given; ' +
      'chains longer than four actors are refused.',
    path: '$.act.act',
    reference: 'RFC 8693 §4.1; AGBAC 1.0',
  },
  {
    code: 'AGBAC124',
    name: 'keys-unavailable',
    targets: ['token'],
    severity: 'error',
    message: 'The issuer\'s keys could not be fetched{detail}: the token was not judged, and the request is denied until they can be',
    explanation:
      'An outage is not a bad token. When the key set cannot be fetched (the issuer is down, slow, unreachable, or ' +
      'answers something that is not a key set) the signature cannot be checked either way, so the request fails closed ' +
      'with this reason rather than "the signature does not verify", and the audit event does not blame the token.',
    path: '$',
  },
  // ── The delegation policy (AGBAC 1.0 §7.1, §7.3) ──────────────────────────────────────────
  {
    code: 'AGBAC140',
    name: 'policy-agent-not-permitted',
    targets: ['token'],
    severity: 'error',
    message: 'The delegation policy lets the agent "{agent}" act for no one',
    explanation:
      'AGBAC 1.0 §7.1 allows a request only when the agent is permitted. The delegation policy (`agbac verify --policy`) ' +
      'lists which agents may act for which humans; this agent is in none of its delegations. Add it to the delegation ' +
      'that should cover it (`delegations[].agents`), or check that the token came from the agent you expect.',
    path: '$.sub',
    reference: 'AGBAC 1.0 §7.1, §7.3',
  },
  {
    code: 'AGBAC141',
    name: 'policy-human-not-permitted',
    targets: ['token'],
    severity: 'error',
    message: 'The delegation policy does not let "{agent}" act for "{human}"{detail}',
    explanation:
      'The agent is in the policy, but none of its delegations covers this human: their user id is not listed, and ' +
      'they are in none of the listed groups (looked up by id in the directory). People are approved by id or group, ' +
      'never by login or email. Add them (`humans.ids`) or their group (`humans.groups`) to the agent\'s delegation.',
    path: '$.act.sub',
    reference: 'AGBAC 1.0 §7.1, §7.3',
  },
  {
    code: 'AGBAC142',
    name: 'explicit-delegation-required',
    targets: ['token'],
    severity: 'error',
    message: 'Scope {scopes} needs explicit delegation, the human\'s own sign-in; this token carries {evidence}',
    explanation:
      'The policy lists scopes that an agent may use only when the human delegated them explicitly (`explicitScopes`). ' +
      'Only token exchange of the human\'s own access token shows that: the person signed in and consented, and the agent ' +
      'exchanged their token. A token with `act` from the guide\'s claim expression or a token inline hook carries the ' +
      'agent\'s word for the human, whatever its `delegation.method` says. Sign the person in (`agbac login`) and exchange ' +
      'their token (`agbac token --flow token-exchange`).',
    path: '$',
    reference: 'AGBAC 1.0 §7.3, §10.2; RFC 8693',
  },
  {
    code: 'AGBAC143',
    name: 'delegation-scope-not-permitted',
    targets: ['token'],
    severity: 'error',
    message: 'The delegation policy lets the agent act for this human with {allowed}, not {scopes}',
    explanation:
      'A delegation may limit what the agent does for the people it covers (`delegations[].scopes`). The action needs a ' +
      'scope beyond it, so the delegation is not appropriate for this request (AGBAC 1.0 §7.1). Widen the delegation, ' +
      'or ask for less.',
    path: '$',
    reference: 'AGBAC 1.0 §7.1, §7.3',
  },
  {
    code: 'AGBAC144',
    name: 'delegation-too-old',
    targets: ['token'],
    severity: 'error',
    message: 'The delegation was granted {age} ago, longer than the policy allows ({max})',
    explanation:
      'The policy bounds how long a delegation lasts (`maxDelegationAgeSeconds`). It is measured from when the human ' +
      'granted it: their sign-in (`auth_time`) for an exchanged token, `delegation.granted_at` otherwise. A token can be ' +
      'fresh while the delegation behind it is old; sign the person in again for a new one.',
    path: '$',
    reference: 'AGBAC 1.0 §7.1 (unexpired), §10.2 (bounded delegation)',
  },
  {
    code: 'AGBAC145',
    name: 'delegation-age-unknown',
    targets: ['token'],
    severity: 'error',
    message: 'The token does not say when the delegation was granted (no auth_time or delegation.granted_at), and the policy allows at most {max}',
    explanation:
      'With `maxDelegationAgeSeconds` the policy needs to know when the human delegated: `auth_time` in an exchanged ' +
      'token (the person\'s sign-in), or `delegation.granted_at` (AGBAC 1.0). A token without either cannot show that ' +
      'its delegation is recent enough, so it is denied.',
    path: '$',
    reference: 'AGBAC 1.0 §7.1, §10.2',
  },
  {
    code: 'AGBAC146',
    name: 'mapping-ambiguous',
    targets: ['token'],
    severity: 'warning',
    message: 'Where the agent and the human are cannot be told from this token ({reason}); it is read as {mapping}',
    explanation:
      'The agent and the human sit in different claims depending on how the token was issued: the guide\'s shape ' +
      '(`sub` = `cid` = the agent, `act.sub` = the human), Okta\'s on-behalf-of token exchange (`uid` = the human, `cid` = ' +
      'the agent) or RFC 8693 (`sub` = the human, `act.sub` = `cid` = the agent). They differ in claims the issuer sets, ' +
      'so the shape is told automatically; a token that fits none is read with the given mapping (the guide\'s by ' +
      'default), which usually denies it. Name the mapping (`--mapping`, or `mapping` in the policy) for other issuers.',
    path: '$',
    reference: 'RFC 8693 §4.1',
  },
] as const satisfies readonly RuleEntry[];

/** The code of a rule in the catalogue: the compiler checks every place that names one. */
export type RuleCode = (typeof rules)[number]['code'];

export interface Rule extends RuleEntry {
  readonly code: RuleCode;
}

/** Every rule, in code order (codes are fixed-width, so plain comparison sorts them without a collator). */
export const RULES: readonly Rule[] = Object.freeze([...rules].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)));

const byCode = new Map<string, Rule>(RULES.map((rule) => [rule.code, rule]));
const byName = new Map<string, Rule>(RULES.map((rule) => [rule.name, rule]));

/** The rule with this code (`AGBAC010`) or name (`aud-is-issuer`), case-insensitive. */
export function findRule(codeOrName: string): Rule | undefined {
  const key = codeOrName.trim();
  return byCode.get(key.toUpperCase()) ?? byName.get(key.toLowerCase());
}

/** The rule with this code. */
export function ruleFor(code: RuleCode): Rule {
  const rule = byCode.get(code);
  if (!rule) throw new TypeError(`unknown rule ${code}`);
  return rule;
}

/** The severity of a rule under a profile. */
export function severityOf(rule: Rule, profile: ProfileName): Severity {
  return rule.severityIn?.[profile] ?? rule.severity;
}

/**
 * Fills a rule message's `{name}` placeholders; a parameter not given reads as nothing. Values come
 * from tokens and files, so control characters in them are escaped: a message is one line, and a
 * crafted `act.sub` must not rewrite what a terminal shows.
 */
export function formatMessage(template: string, params: Readonly<Record<string, string | number>>): string {
  const parts = templateParts(template);
  let text = parts[0] ?? '';
  for (let index = 1; index < parts.length; index += 2) {
    text += escapeControls(String(params[parts[index] ?? ''] ?? '')) + (parts[index + 1] ?? '');
  }
  return text;
}

/** Templates split once into text and placeholder names (text, name, text, …); the catalogue's are a few hundred. */
const splitTemplates = new Map<string, readonly string[]>();

function templateParts(template: string): readonly string[] {
  let parts = splitTemplates.get(template);
  if (!parts) {
    parts = template.split(/\{(\w+)\}/);
    if (splitTemplates.size < 1024) splitTemplates.set(template, parts);
  }
  return parts;
}
