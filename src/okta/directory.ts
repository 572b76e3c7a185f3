/** The Okta directory as the OAuth client's group directory, for approving humans by group. */
import type { GroupDirectory } from '../oauth';
import type { OrgApi } from './org';

/**
 * The user `act.sub` names and their group names, read through the Management API; `undefined`
 * when Okta has no such user. Okta's `GET /api/v1/users/{id}` also resolves a login, a login
 * shortname and `me`: when the user that answers has another id, their groups are not read, and
 * the answer says who it was so the decision can name the alias.
 */
export function oktaDirectory(org: OrgApi): GroupDirectory {
  return async (userId) => {
    const user = await org.getUser(userId);
    if (!user) return undefined;
    if (user.id !== userId) return { id: user.id, groups: [] };
    return { id: user.id, groups: (await org.listUserGroups(user.id)).map((group) => group.profile.name) };
  };
}
