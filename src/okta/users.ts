/** Looking up the Okta user id (00u…) that act.sub needs, from a login or an email address. */
import { looksLikeEmail } from '../core';
import type { OrgApi, User } from './org';

export interface UserSummary {
  readonly id: string;
  readonly status: string;
  readonly login: string;
  readonly email: string | undefined;
  readonly name: string | undefined;
}

/** The users a login or email names: the login first, then primary email addresses. */
export async function findUsers(org: OrgApi, loginOrEmail: string): Promise<UserSummary[]> {
  const query = loginOrEmail.trim();
  if (!query) return [];
  const byLogin = await org.getUser(query);
  if (byLogin) return [summarize(byLogin)];
  if (!looksLikeEmail(query)) return [];
  const quoted = query.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  return (await org.searchUsers(`profile.email eq "${quoted}"`)).map(summarize);
}

function summarize(user: User): UserSummary {
  const name = [user.profile.firstName, user.profile.lastName].filter(Boolean).join(' ');
  return { id: user.id, status: user.status, login: user.profile.login, email: user.profile.email, name: name || undefined };
}
