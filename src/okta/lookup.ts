/**
 * The Management API pieces the editor loads on demand, through `import()` (a separate entry keeps
 * them, and the Okta SDK behind connectOrg, out of activation): user look-ups, the listings of the
 * Add Connection steps, the doctor, provisioning and the group directory for approving humans.
 */
export { connectOrg } from './sdk';
export { findUsers } from './users';
export { runDoctor } from './doctor';
export { provision } from './provision';
export { oktaDirectory } from './directory';
export { actAssertionParameters } from './act-hook';
