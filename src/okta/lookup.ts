/** The Management API pieces the editor loads on demand (a separate import keeps them out of activation). */
export { connectOrg } from './sdk';
export { findUsers } from './users';
