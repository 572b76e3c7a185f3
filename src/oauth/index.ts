/**
 * The standards client: HTTP with deadlines, authorization server metadata (RFC 8414), remote key
 * sets, token requests with client assertions (RFC 7523) and DPoP (RFC 9449), and live
 * verification. Nothing here is specific to Okta: it works against any RFC 8414 server.
 */
export * from './discovery';
export * from './http';
export * from './live-verify';
export * from './remote-keys';
export * from './token-request';
