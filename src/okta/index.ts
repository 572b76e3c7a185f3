/** Talking to authorization servers and to Okta's Management API. */
export * from './advice';
export * from './connection';
export * from './discovery';
export * from './doctor';
export * from './guide';
export * from './http';
export * from './jwks';
export * from './org';
export * from './provision';
export * from './sdk';
export * from './secrets';
export * from './token';
export * from './users';
export * from './verify';
