/**
 * The standards client: HTTP with deadlines, authorization server metadata (RFC 8414), remote key
 * sets, token requests with client assertions (RFC 7523), DPoP (RFC 9449) and token exchange
 * (RFC 8693), a person's sign-in (authorization code with PKCE through a loopback redirect,
 * RFC 7636 and RFC 8252; the password grant), and live verification. Nothing here is specific to
 * Okta: it works against any RFC 8414 server.
 */
export * from './discovery';
export * from './http';
export * from './live-verify';
export * from './loopback';
export * from './pkce';
export * from './remote-keys';
export * from './sign-in';
export * from './token-request';
