/**
 * The token inline hook service: a standard web handler for Okta's
 * `com.okta.oauth2.tokens.transform` that vouches for the human named in the agent's act
 * assertion and adds `act` to the access token, or stops issuance; and a Node server for it.
 */
export * from './agent-keys';
export * from './errors';
export * from './handler';
export * from './human';
export * from './replay';
export * from './serve';
export * from './verify';
