/**
 * Okta management: the Management API through @okta/okta-sdk-nodejs, the setup guide as data, the
 * doctor, provisioning, user look-ups, and what Okta's errors mean. The standards client it builds
 * on (token requests, discovery, verification) is `src/oauth`.
 */
export * from './act-hook';
export * from './advice';
export * from './checks';
export * from './directory';
export * from './doctor';
export * from './errors';
export * from './guide';
export * from './org';
export * from './provision';
export * from './sdk';
export * from './users';
