/**
 * The sandbox's errors, in Okta's two shapes: the OAuth token endpoint's
 * `{"error","error_description"}` and the Management API's
 * `{"errorCode","errorSummary","errorLink","errorId","errorCauses"}`.
 *
 * The descriptions in {@link OKTA_TEXT} are Okta's own words (see the project's facts document).
 * The ones in {@link SANDBOX_TEXT} are the sandbox's wording for cases whose exact Okta text is
 * not known; they keep Okta's `error` codes and statuses.
 */
import { AgbacError } from '../core';
import { newErrorId } from './ids';

/** Okta's exact `error_description` texts. */
export const OKTA_TEXT = {
  assertionExpired: 'The client_assertion token is expired.',
  assertionTooFar: 'The client_assertion token has an expiration too far into the future.',
  assertionSignature: 'The client_assertion signature is invalid.',
  assertionKid: 'The client_assertion JWT kid is invalid.',
  assertionType: 'The client_assertion_type is invalid.',
  assertionAudience: 'The audience claim for client_assertion must be the endpoint invoked for the request.',
  assertionReplay: 'The client_assertion token has already been used.',
  clientAuthFailed: 'Client authentication failed. Either the client or the client credentials are invalid.',
  clientSecret: 'The client secret supplied for a confidential client is invalid.',
  noCredentials: 'No client credentials found.',
  multipleCredentials:
    'Cannot supply multiple client credentials. Use one of the following: credentials in the Authorization header, credentials in the post body, or a client_assertion in the post body.',
  scopesNotConfigured: 'One or more scopes are not configured for the authorization server resource.',
  noDefaultScopes: "The authorization server resource does not have any configured default scopes, 'scope' must be provided.",
  policyFailed: 'Policy evaluation failed for this request, please check the policy configurations.',
  dpopMissing: 'The DPoP proof JWT header is missing.',
  orgPrivateKeyJwt: 'Client Credentials requests to the Org Authorization Server must use the private_key_jwt token_endpoint_auth_method.',
  insufficientScope: 'The access token provided does not contain the required scopes.',
  authCodeInvalid: 'The authorization code is invalid or has expired.',
  redirectUriNotRegistered: "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings",
  clientIdInvalid: "Invalid value for 'client_id' parameter.",
  /** Okta's prefix; Okta sometimes adds the reason after a colon, and the sandbox always does (in its own words). */
  subjectTokenInvalid: "'subject_token' is invalid",
} as const;

/** The sandbox's own wording where Okta's exact text is not known. */
export const SANDBOX_TEXT = {
  assertionMalformed: 'The client_assertion token is invalid.',
  assertionNoExpiry: 'The client_assertion token must have an expiration (exp) claim.',
  assertionIssuedInFuture: 'The client_assertion token has an issue time (iat) in the future.',
  formContentType: 'The token request must be sent as application/x-www-form-urlencoded.',
  dpopUnsupported: 'The sandbox does not validate DPoP proofs; turn off dpop_bound_access_tokens for this app to get tokens from the sandbox.',
  responseType: 'The response type is not supported by the authorization server. Configured response types: [code].',
  pkceRequired: "PKCE code challenge is required when the token endpoint authentication method is 'NONE'.",
  pkceMethod: "The 'code_challenge_method' must be S256; the plain method is not accepted.",
  codeChallengeInvalid: "The 'code_challenge' must be 43 base64url characters: the SHA-256 of the code verifier.",
  codeMissing: "The 'code' parameter is required.",
  codeVerifierMissing: "The 'code_verifier' parameter is required: the authorization request carried a code_challenge.",
  codeVerifierInvalid: "The 'code_verifier' must be 43 to 128 characters of A-Z, a-z, 0-9 and -._~.",
  pkceFailed: 'PKCE verification failed.',
  redirectUriMismatch: "The 'redirect_uri' does not match the redirection URI used in the authorization request.",
  credentialsMissing: "The 'username' and 'password' parameters are required.",
  credentialsInvalid: 'The credentials provided were invalid.',
  agentUnknown: "The 'agent' parameter must be the client id of an ACTIVE app of this org.",
  consentDenied: 'The person denied the request.',
  subjectTokenMissing: "The 'subject_token' parameter is required.",
  subjectTokenType: "The 'subject_token_type' must be urn:ietf:params:oauth:token-type:access_token: the sandbox exchanges access tokens only.",
  audienceUnknown: "The 'audience' is not an audience of this authorization server.",
} as const;

/** The grant types list Okta writes in its messages: `[client_credentials, password]`. */
export function grantList(grants: readonly string[]): string {
  return `[${grants.join(', ')}]`;
}

/** An OAuth 2.0 error answered by the token endpoint (`error` holds the OAuth error code). */
export class OAuthError extends AgbacError {
  static override readonly code = 'ERR_SANDBOX_OAUTH';
  override readonly code = 'ERR_SANDBOX_OAUTH';
  readonly status: number;
  readonly error: string;
  readonly description: string;

  constructor(status: number, error: string, description: string) {
    super(description);
    this.status = status;
    this.error = error;
    this.description = description;
  }

  /** The JSON body Okta sends. */
  body(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

/** `invalid_client` (HTTP 401) with the given description. */
export function invalidClient(description: string): OAuthError {
  return new OAuthError(401, 'invalid_client', description);
}

/** `invalid_request` (HTTP 400) with the given description. */
export function invalidRequest(description: string, status = 400): OAuthError {
  return new OAuthError(status, 'invalid_request', description);
}

/** The Management API's error body. */
export interface ApiErrorBody {
  readonly errorCode: string;
  readonly errorSummary: string;
  readonly errorLink: string;
  readonly errorId: string;
  readonly errorCauses: { readonly errorSummary: string }[];
}

/**
 * An error of the Management API (and of the authorization server's non-OAuth answers, such as an
 * unknown server); `errorCode` holds Okta's code (`E0000007`).
 */
export class ApiError extends AgbacError {
  static override readonly code = 'ERR_SANDBOX_API';
  override readonly code = 'ERR_SANDBOX_API';
  readonly status: number;
  readonly errorCode: string;
  readonly errorSummary: string;
  readonly causes: readonly string[];
  /** Extra response headers, e.g. `WWW-Authenticate`. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, errorCode: string, errorSummary: string, causes: readonly string[] = [], headers: Readonly<Record<string, string>> = {}) {
    super(errorSummary);
    this.status = status;
    this.errorCode = errorCode;
    this.errorSummary = errorSummary;
    this.causes = causes;
    this.headers = headers;
  }

  body(): ApiErrorBody {
    return {
      errorCode: this.errorCode,
      errorSummary: this.errorSummary,
      errorLink: this.errorCode,
      errorId: newErrorId(),
      errorCauses: this.causes.map((cause) => ({ errorSummary: cause })),
    };
  }
}

/** Okta's error codes and summaries, as constructors. */
export const apiErrors = {
  /** 404 E0000007, e.g. "Not found: Resource not found: aus123 (AuthorizationServer)". */
  notFound: (id: string, type: string) => new ApiError(404, 'E0000007', `Not found: Resource not found: ${id} (${type})`),
  invalidToken: () => new ApiError(401, 'E0000011', 'Invalid token provided'),
  forbidden: (cause?: string) =>
    new ApiError(403, 'E0000006', 'You do not have permission to perform the requested action', cause ? [cause] : []),
  /**
   * 403 E0000006 for an OAuth access token without the route's scope, with the
   * `WWW-Authenticate` header Okta sends (naming the scope and the resource path).
   */
  insufficientScope: (orgUrl: string, scope: string, resource: string) =>
    new ApiError(403, 'E0000006', 'You do not have permission to perform the requested action', [], {
      'WWW-Authenticate':
        `Bearer authorization_uri="${orgUrl}/oauth2/v1/authorize", realm="${orgUrl}", scope="${scope}", ` +
        `error="insufficient_scope", error_description="${OKTA_TEXT.insufficientScope}", resource="${resource}"`,
    }),
  /** 400 E0000001; each cause is `"<field>: <problem>"`. */
  validation: (field: string, causes: readonly string[]) => new ApiError(400, 'E0000001', `Api validation failed: ${field}`, causes),
  malformedBody: (cause: string, status = 400) => new ApiError(status, 'E0000003', 'The request body was not well-formed.', [cause]),
  unsupportedMediaType: (cause: string) =>
    new ApiError(415, 'E0000021', 'Bad request. Accept and/or Content-Type headers likely do not match supported values.', [cause]),
  methodNotAllowed: (method: string) =>
    new ApiError(405, 'E0000022', 'The endpoint does not support the provided HTTP method', [`${method} is not supported here`]),
  invalidSearch: (cause: string) => new ApiError(400, 'E0000031', 'Invalid search criteria.', [cause]),
  internal: () => new ApiError(500, 'E0000009', 'Internal Server Error'),
  /** 400 for an inline hook whose execution failed (the sandbox's code and words: Okta documents only "a 400 error"). */
  hookFailed: (cause: string) => new ApiError(400, 'E0000001', 'Api validation failed: execute', [cause]),
} as const;

/** What went wrong in starting the sandbox. */
export type SandboxErrorCode =
  | 'ERR_SANDBOX_PORT'
  | 'ERR_SANDBOX_PORT_IN_USE'
  | 'ERR_SANDBOX_LISTEN'
  | 'ERR_SANDBOX_SEED'
  | 'ERR_SANDBOX_TLS'
  | 'ERR_SANDBOX_CREDENTIAL';

/** A problem with the sandbox's configuration: the seed, a flag, the port. */
export class SandboxError extends AgbacError {
  static override readonly code = 'ERR_SANDBOX';
  override readonly code: SandboxErrorCode;

  constructor(code: SandboxErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** The `--seed` document is not usable; `problems` lists every problem found, each with its JSON path. */
export class SeedError extends SandboxError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    const shown = problems.slice(0, 5).join('; ');
    const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : '';
    super('ERR_SANDBOX_SEED', `the seed is not valid: ${shown}${more}`);
    this.problems = problems;
  }
}
