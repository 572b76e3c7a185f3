/**
 * The pure core of the AGBAC toolkit: no VS Code, no I/O, no clock. Time (`now`, seconds since
 * the epoch), keys and configuration are parameters.
 */
export * from './errors';
export * from './jwt';
export * from './json-guard';
export * from './time';
export * from './urls';
export * from './text';
export * from './profiles';
export * from './rules/catalogue';
export * from './rules/finding';
export { type AssertionExpectations, checkAssertionHeader, checkAssertionPayload } from './rules/assertion';
export { type HumanApproval, type Subjects, type TokenExpectations, agentPath, checkTokenClaims, grantedScopes, humanPath, subjectsOf } from './rules/token';
export { looksLikeEmail, looksLikeUserId } from './rules/shared';
export * from './assertion';
export * from './sign';
export * from './verify';
export * from './decision';
export * from './delegation';
export * from './policy';
export * from './lint';
export * from './fixes';
export * from './report';
export * from './claims';
export * from './describe';
export * from './explain';
export * from './connection';
export * from './inputs';
