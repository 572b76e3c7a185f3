/**
 * The human an act assertion names, checked in the org at the moment of issuance: the user exists,
 * is ACTIVE, and (when the hook is configured with a group) is a member. Never cached, so a
 * deactivated person stops getting tokens at once.
 */
import { messageOf } from '../core';
import type { OrgApi } from '../okta';
import { HookRefusal } from './errors';

/** What the hook may add to `act` from the user record. */
export interface HumanRecord {
  readonly id: string;
  readonly email: string | undefined;
  readonly name: string | undefined;
}

export async function checkHuman(org: OrgApi, userId: string, group: string | undefined): Promise<HumanRecord> {
  const user = await directory(() => org.getUser(userId));
  // getUser also finds a login; act.sub must be the id itself.
  if (!user || user.id !== userId) throw new HookRefusal('unknown-human', `The human ${userId} is not a user of this org.`);
  if (user.status !== 'ACTIVE') throw new HookRefusal('inactive-human', `The human ${userId} is ${user.status}, not ACTIVE: the agent may not act for them.`);
  if (group !== undefined) {
    const groups = await directory(() => org.listUserGroups(user.id));
    if (!groups.some((candidate) => candidate.profile.name === group)) {
      throw new HookRefusal('not-in-group', `The human ${userId} is not in the group ${group}.`);
    }
  }
  const name = [user.profile.firstName, user.profile.lastName].filter(Boolean).join(' ');
  return { id: user.id, email: user.profile.email || undefined, name: name || undefined };
}

async function directory<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new HookRefusal('unavailable', 'The hook could not check the human in the org (the Management API did not answer); try again.', {
      cause: error,
      detail: messageOf(error),
    });
  }
}
