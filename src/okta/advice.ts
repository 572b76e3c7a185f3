import type { TokenRefusal } from '../oauth';

/**
 * What an authorization server's error means for an AGBAC setup and what to change: every error
 * Okta's token endpoint gives a client-assertion request, and the cases of the guide's
 * Troubleshooting section.
 */

export interface Advice {
  /** What happened, in the user's terms. */
  readonly meaning: string;
  /** What to change. */
  readonly fix: string;
  /** The setup guide's step it concerns, when there is one. */
  readonly guideStep?: string;
}

interface Entry {
  readonly error: string;
  /** Matches the error_description; absent matches any. */
  readonly description?: RegExp;
  /** Only for these grant types (listed first, so they win); absent: any request (the guide's client_credentials in mind). */
  readonly grants?: readonly string[];
  readonly advice: (context: AdviceContext) => Advice;
}

/** What the advice may mention. */
export interface AdviceContext {
  readonly tokenEndpoint?: string;
  readonly clientId?: string;
  readonly scopes?: readonly string[];
  /** The refused request's grant type; default client_credentials. */
  readonly grantType?: string;
}

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const SIGN_IN = ['authorization_code', 'password'];

const ENTRIES: readonly Entry[] = [
  // A person's sign-in and token exchange (Okta's on-behalf-of flow) come first: their refusals share error codes with the guide's.
  {
    error: 'invalid_request',
    description: /subject_token' is invalid/i,
    grants: [TOKEN_EXCHANGE],
    advice: () => ({
      meaning: "The authorization server refused the person's token as the subject of the exchange: it must be a current access token it issued itself (same authorization server) to a person, and, when it names who may act (may_act), name this agent.",
      fix: 'Sign the person in again at this authorization server (`agbac login --agent <this agent>`) and exchange the new access token, not an ID token or a token of another server.',
      guideStep: 'Token exchange',
    }),
  },
  {
    error: 'unauthorized_client',
    grants: [TOKEN_EXCHANGE],
    advice: ({ clientId }) => ({
      meaning: 'The agent app is not allowed the Token Exchange grant.',
      fix: `Enable the Token Exchange grant type on the agent app${clientId ? ` (${clientId})` : ''} (a service app).`,
      guideStep: 'Token exchange',
    }),
  },
  {
    error: 'access_denied',
    grants: [TOKEN_EXCHANGE],
    advice: () => ({
      meaning: 'No ACTIVE access policy assigned to the agent has an ACTIVE rule that allows token exchange for this person and these scopes.',
      fix: 'Add a rule for the Token Exchange grant to the policy assigned to the agent, covering the person (Everyone, or their group) and the scopes.',
      guideStep: 'Token exchange',
    }),
  },
  {
    error: 'invalid_scope',
    grants: [TOKEN_EXCHANGE],
    advice: () => ({
      meaning: 'A requested scope does not exist on the authorization server, or goes beyond what the person granted in their own sign-in.',
      fix: 'Ask for the scopes the person signed in with (agbac login --scope …), or sign them in again with the scope the agent needs.',
      guideStep: 'Token exchange',
    }),
  },
  {
    error: 'invalid_grant',
    grants: SIGN_IN,
    description: /credentials/i,
    advice: () => ({
      meaning: 'The login or the password is wrong, or the person is not ACTIVE.',
      fix: 'Check the login and the password (the sandbox prints its development password), and that the person is ACTIVE.',
    }),
  },
  {
    error: 'invalid_grant',
    grants: SIGN_IN,
    advice: () => ({
      meaning: 'The authorization code was refused: used already, expired, or redeemed with another redirect URI or PKCE verifier than the sign-in started with.',
      fix: 'Start the sign-in again; each code works once, within minutes.',
    }),
  },
  {
    error: 'unauthorized_client',
    grants: SIGN_IN,
    advice: () => ({
      meaning: 'The app is not allowed this grant type.',
      fix: 'Enable Authorization Code (and, for scripts, Resource Owner Password) on the app people sign in with: a native app with a loopback redirect URI.',
    }),
  },
  {
    error: 'access_denied',
    grants: SIGN_IN,
    advice: () => ({
      meaning: 'No access policy rule lets this person sign in to this app with these scopes.',
      fix: 'Assign the sign-in app to an access policy of the authorization server with a rule for Authorization Code (and Resource Owner Password) that covers the person.',
    }),
  },
  {
    error: 'invalid_client',
    description: /audience claim for client_assertion must be the endpoint invoked/i,
    advice: ({ tokenEndpoint }) => ({
      meaning: 'Okta refused the assertion because its aud is not the token endpoint that was called.',
      fix: `Set aud to the token endpoint${tokenEndpoint ? ` (${tokenEndpoint})` : ''}, not the authorization server URL. The setup guide says the opposite; real Okta accepts only the token endpoint.`,
      guideStep: 'Step 8.1 (aud)',
    }),
  },
  {
    error: 'invalid_client',
    description: /token is expired/i,
    advice: () => ({
      meaning: 'The assertion had already expired when Okta received it.',
      fix: 'Build a fresh assertion for every request (iat = now, exp = now + 300) and check that this machine\'s clock is synchronised (NTP).',
      guideStep: 'Step 8.1 (exp)',
    }),
  },
  {
    error: 'invalid_client',
    description: /expiration too far into the future/i,
    advice: () => ({
      meaning: 'The assertion\'s exp is more than one hour ahead, which Okta refuses.',
      fix: 'Use exp = iat + 300 (at most 3600 s); a value in milliseconds instead of seconds also causes this.',
      guideStep: 'Step 8.1 (exp)',
    }),
  },
  {
    error: 'invalid_client',
    description: /signature is invalid/i,
    advice: () => ({
      meaning: 'Okta could not verify the assertion\'s signature with the app\'s credential.',
      fix: 'For client_secret_jwt, sign with the app\'s current client secret (HS256/384/512); for private_key_jwt, sign with the private key whose public JWK is registered with the app. Check that the app\'s token_endpoint_auth_method matches how you sign.',
      guideStep: 'Step 3 (client authentication)',
    }),
  },
  {
    error: 'invalid_client',
    description: /kid is invalid/i,
    advice: () => ({
      meaning: 'The assertion\'s kid names no public key registered with the app.',
      fix: 'Register the public JWK with the app (settings.oauthClient.jwks) and put its kid in the assertion header.',
      guideStep: 'Step 3 (client authentication)',
    }),
  },
  {
    error: 'invalid_client',
    description: /client_assertion_type is invalid/i,
    advice: () => ({
      meaning: 'The client_assertion_type form parameter is wrong.',
      fix: 'Send client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer.',
      guideStep: 'Step 8.3',
    }),
  },
  {
    error: 'invalid_client',
    description: /already been used/i,
    advice: () => ({
      meaning: 'Okta accepts each assertion (each jti) only once.',
      fix: 'Generate a new random jti (a UUID) for every token request; never reuse a signed assertion, and do not derive jti from the current second.',
      guideStep: 'Step 8.1 (jti)',
    }),
  },
  {
    error: 'invalid_client',
    description: /Client authentication failed/i,
    advice: ({ clientId }) => ({
      meaning: 'Okta could not authenticate the client: unknown client id, inactive app, or a credential of another kind than the app expects.',
      fix: `Check that iss and sub are the app's client id${clientId ? ` (${clientId})` : ''}, that the app is ACTIVE, and that its token_endpoint_auth_method is client_secret_jwt or private_key_jwt as you sign.`,
      guideStep: 'Step 3',
    }),
  },
  {
    error: 'invalid_client',
    description: /client assertion is invalid/i,
    advice: ({ clientId }) => ({
      meaning: 'The server refused the assertion itself: usually an expired exp, an iat in the future, iss or sub not the client id, or an aud it does not expect.',
      fix: `Build the assertion fresh (iat = now, exp = now + 300), with iss = sub = the client id${clientId ? ` (${clientId})` : ''} and aud = the token endpoint; \`agbac lint\` names what is wrong in a payload.`,
      guideStep: 'Step 8.1',
    }),
  },
  {
    error: 'invalid_scope',
    advice: ({ scopes }) => ({
      meaning: 'A requested scope does not exist on the authorization server, or no policy rule grants it.',
      fix: `Create the scope${scopes?.length ? ` (${scopes.join(' ')})` : ''} on the authorization server and allow it in the policy rule (Scopes requested: any scopes, or the listed ones).`,
      guideStep: 'Step 2 (scopes) and Step 5 (rule)',
    }),
  },
  {
    error: 'unauthorized_client',
    advice: () => ({
      meaning: 'The app is not allowed the client_credentials grant.',
      fix: 'Make the app a service (API Services) app and enable the Client Credentials grant type.',
      guideStep: 'Step 3.3',
    }),
  },
  {
    error: 'access_denied',
    description: /Policy evaluation failed/i,
    advice: () => ({
      meaning: 'No ACTIVE access policy assigned to this client has an ACTIVE rule that allows this request.',
      fix: 'Assign the agent app to an access policy of the authorization server and add a rule for the Client Credentials grant with the requested scopes.',
      guideStep: 'Step 5',
    }),
  },
  {
    error: 'invalid_dpop_proof',
    advice: () => ({
      meaning: 'The app requires DPoP-bound tokens, so every token request needs a DPoP proof.',
      fix: 'Let the toolkit send a DPoP proof (it does so automatically after this answer), or turn off "Require DPoP" on the app if the resource server cannot check DPoP.',
    }),
  },
  {
    error: 'invalid_request',
    description: /multiple client credentials/i,
    advice: () => ({
      meaning: 'The request carried more than one credential (e.g. a client secret and an assertion).',
      fix: 'Send only the signed client assertion; remove client_secret and any Authorization header.',
      guideStep: 'Step 8.3',
    }),
  },
  {
    error: 'server_error',
    advice: () => ({
      meaning: "The org's token inline hook refused to vouch for the human, so Okta issued no token; the description is the hook's own summary (Okta's default text when it gave none).",
      fix: 'Fix what the summary names (a fresh act assertion per request, aud = the hook\'s URL, the human ACTIVE and in the group), or read the hook\'s audit log; `agbac doctor --act-via hook` checks the hook.',
      guideStep: 'Step 5 (inline hook)',
    }),
  },
  {
    error: 'unsupported_grant_type',
    advice: () => ({
      meaning: 'The server does not support the requested grant type.',
      fix: 'Use grant_type=client_credentials against a custom authorization server (https://{domain}/oauth2/{authServerId}/v1/token).',
      guideStep: 'Step 1',
    }),
  },
];

/** Advice for an OAuth error answer; a generic reading when the error is not one Okta documents. */
export function adviceFor(error: string, description: string | undefined, context: AdviceContext = {}): Advice {
  const grantType = context.grantType ?? 'client_credentials';
  const entry = ENTRIES.find(
    (candidate) =>
      candidate.error === error &&
      (!candidate.grants || candidate.grants.includes(grantType)) &&
      (!candidate.description || candidate.description.test(description ?? '')),
  );
  if (entry) return entry.advice(context);
  return {
    meaning: `The authorization server refused the request (${error}${description ? `: ${description}` : ''}).`,
    fix: 'Compare the request with the authorization server\'s configuration; `agbac doctor` checks the Okta side step by step.',
  };
}

/** The advice when a token came back without the actor claim. */
export const MISSING_ACT_ADVICE: Advice = {
  meaning:
    'The access token carries no act claim, so no resource server can tell whom the agent acts for. The guide\'s claim expression clientAssertion.claims.act is not in Okta\'s documented expression language, so a real org may never evaluate it; it is also omitted when the assertion has no act.',
  fix:
    'Check the claim in the authorization server (Claims: act, access token, any scope) and that the assertion carries act. If the org does not evaluate the expression, add act with a token inline hook (com.okta.oauth2.tokens.transform) or use RFC 8693 token exchange.',
  guideStep: 'Step 4',
};

/** The fix for a token endpoint refusal, for the OAuth client's `hint` option. */
export function tokenErrorHint(refusal: TokenRefusal): string {
  return adviceFor(refusal.error, refusal.errorDescription, refusal).fix;
}
