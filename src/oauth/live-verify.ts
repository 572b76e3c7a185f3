/**
 * Verifying a token end to end against a live issuer: keys from its metadata, the core's token
 * rules, and the human approved by an allow-list or by membership of a group in a directory
 * (the Okta layer supplies one over the Management API).
 */
import {
  type DelegationPolicy,
  detectMapping,
  type HumanApproval,
  looksLikeUserId,
  OKTA_MAPPING,
  parseJwt,
  subjectsOf,
  type Verification,
  type VerificationKeys,
  verifyAccessToken,
  type VerifyOptions,
} from '../core';
import { discover } from './discovery';
import { remoteKeySet } from './remote-keys';

/**
 * A directory of people, asked for the user `act.sub` names: the id of the user it found and that
 * user's group names, or `undefined` for no such user. A directory may resolve more than ids (Okta
 * resolves logins, login shortnames and `me` at the same path): `id` says which user answered, and
 * only a user whose id is the value asked for can be approved. The Okta layer's `oktaDirectory`
 * answers from the Management API.
 */
export type GroupDirectory = (userId: string) => Promise<{ readonly id: string; readonly groups: readonly string[] } | undefined>;

/** How the human is approved; `waived` turns the check off explicitly (the decision says so). */
export type HumanPolicy =
  | { readonly kind: 'allow-list'; readonly ids: readonly string[] }
  | { readonly kind: 'group'; readonly group: string; readonly directory: GroupDirectory }
  | { readonly kind: 'waived' };

/** The core's verification options, with the keys optional (found through the issuer) and the human approved by policy. */
export interface LiveVerifyOptions extends Omit<VerifyOptions, 'keys' | 'humanApproval' | 'correlationId' | 'policy'> {
  readonly issuer: string;
  readonly audience: string;
  /** Keys to use instead of discovering the issuer's. */
  readonly keys?: VerificationKeys;
  readonly human?: HumanPolicy;
  /** A delegation policy, and the directory its groups are looked up in (the human's, by id). */
  readonly policy?: { readonly policy: DelegationPolicy; readonly directory?: GroupDirectory };
  readonly ca?: string;
  readonly timeoutMs?: number;
  /** Default: a random UUID. */
  readonly correlationId?: string;
}

/** Remote key sets by JWKS URL, so repeated verifications reuse jose's cache. */
const keySets = new Map<string, VerificationKeys>();

/** The issuer's keys, found through its metadata. */
export async function issuerKeys(issuer: string, options: { ca?: string; timeoutMs?: number } = {}): Promise<VerificationKeys> {
  const metadata = await discover(issuer, options);
  let keys = keySets.get(metadata.jwksUri);
  if (!keys) {
    keys = remoteKeySet(metadata.jwksUri, options);
    keySets.set(metadata.jwksUri, keys);
  }
  return keys;
}

/** Verifies and decides. Network and Management API failures reject: the caller fails closed. */
export async function verifyLive(token: string, options: LiveVerifyOptions): Promise<Verification> {
  const keys = options.keys ?? (await issuerKeys(options.issuer, { ca: options.ca, timeoutMs: options.timeoutMs }));
  const { human: _human, ca: _ca, timeoutMs: _timeout, policy, ...core } = options;
  const human = humanOf(token, options);
  const groups = new Lookup(human);
  return verifyAccessToken(token, {
    ...core,
    keys,
    humanApproval: await humanApproval(human, options, groups),
    ...(policy ? { policy: { policy: policy.policy, ...(await policyGroups(policy, groups)) } } : {}),
    correlationId: options.correlationId ?? crypto.randomUUID(),
  });
}

/** The human the token names, read as the verification will read it (its shape, when told from it). */
function humanOf(token: string, options: LiveVerifyOptions): string | undefined {
  const parsed = parseJwt(token.trim());
  if (!parsed.ok) return undefined;
  const detected = options.detectMapping ? detectMapping(parsed.jwt.payload).mapping : undefined;
  return subjectsOf(parsed.jwt.payload, detected ?? options.mapping ?? OKTA_MAPPING).human;
}

/** One directory look-up of the human per verification, shared by a group approval and the policy. */
class Lookup {
  private answer: Promise<{ readonly id: string; readonly groups: readonly string[] } | undefined> | undefined;
  private directory: GroupDirectory | undefined;

  constructor(readonly human: string | undefined) {}

  /** The human's group names, only when the directory found exactly this id; [] otherwise. */
  async groups(directory: GroupDirectory): Promise<{ readonly groups: readonly string[]; readonly resolvedId?: string }> {
    // Only a user id is ever looked up: a login, an email or `me` would resolve to whoever holds it.
    if (!this.human || !looksLikeUserId(this.human)) return { groups: [] };
    if (this.directory !== directory) {
      this.directory = directory;
      this.answer = directory(this.human);
    }
    const found = await this.answer;
    if (!found) return { groups: [] };
    return { groups: found.id === this.human ? found.groups : [], resolvedId: found.id };
  }
}

/** For group approval, the human's groups are looked up before the decision. */
async function humanApproval(human: string | undefined, options: LiveVerifyOptions, lookup: Lookup): Promise<HumanApproval | undefined> {
  const policy = options.human;
  if (!policy) return undefined;
  if (policy.kind === 'allow-list' || policy.kind === 'waived') return policy;
  if (!human || !looksLikeUserId(human)) return { kind: 'group', group: policy.group, memberOf: [] };
  const found = await lookup.groups(policy.directory);
  return { kind: 'group', group: policy.group, memberOf: found.groups, ...(found.resolvedId !== undefined ? { resolvedId: found.resolvedId } : {}) };
}

/** The human's groups for a policy that names groups, when it has a directory. */
async function policyGroups(policy: NonNullable<LiveVerifyOptions['policy']>, lookup: Lookup): Promise<{ humanGroups?: readonly string[] }> {
  const namesGroups = policy.policy.delegations.some((rule) => rule.humans.groups.length > 0);
  if (!namesGroups || !policy.directory) return {};
  return { humanGroups: (await lookup.groups(policy.directory)).groups };
}
