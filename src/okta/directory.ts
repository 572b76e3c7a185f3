/** The Okta directory as the OAuth client's group directory, for approving humans by group. */
import type { GroupDirectory } from '../oauth';
import type { OrgApi } from './org';

/** Group names of a user, read through the Management API; `undefined` when Okta has no such user. */
export function oktaDirectory(org: OrgApi): GroupDirectory {
  return async (userId) => {
    const user = await org.getUser(userId);
    if (!user) return undefined;
    return (await org.listUserGroups(user.id)).map((group) => group.profile.name);
  };
}
