/**
 * The doctor's checks as one table, in the setup guide's order: each check's stable id, its title,
 * why it matters, how to fix it, and the guide's step. The doctor fills `{placeholders}` with what
 * it found; a check that can fail in distinct ways names the variant whose words apply.
 */
import { formatMessage } from '../core';
import { GUIDE } from './guide';

interface CheckWording {
  readonly title?: string;
  readonly why?: string;
  readonly fix?: string;
}

interface CheckEntry {
  readonly id: string;
  readonly title: string;
  readonly why: string;
  readonly fix: string;
  readonly guideStep: string;
  /** Other wordings for particular ways the check fails (or passes). */
  readonly variants?: Readonly<Record<string, CheckWording>>;
}

export const DOCTOR_CHECKS = [
  // Step 1: the authorization server.
  {
    id: 'server-exists',
    title: 'Authorization server exists',
    why: 'Custom claims such as act need a custom authorization server; its id is part of the issuer and token URLs.',
    fix: 'Create it (Security → API → Authorization Servers → Add) or run `agbac provision`; then use its id (aus…) in the connection.',
    guideStep: 'Step 1',
  },
  {
    id: 'server-active',
    title: 'Authorization server is ACTIVE',
    why: 'An inactive authorization server issues no tokens.',
    fix: 'Activate {server} (Authorization Servers → {server} → Activate).',
    guideStep: 'Step 1',
  },
  {
    id: 'server-audience',
    title: 'Audience matches the API',
    why: "The resource server checks that the access token's aud is its own identifier; tokens for another audience are refused.",
    fix: "Use the server's audience as the API audience, or create a server with audience {audience} (an audience cannot be changed after creation).",
    guideStep: 'Step 1',
    variants: { unspecified: { title: 'Audience' } },
  },
  // Step 2: scopes.
  {
    id: 'scopes',
    title: 'Scopes exist',
    why: 'Okta answers invalid_scope when a requested scope is not defined on the authorization server.',
    fix: 'Add the {scopeWord} {missing} (Scopes tab → Add Scope), or run `agbac provision`.',
    guideStep: 'Step 2',
  },
  // Step 3: the agent app.
  {
    id: 'app',
    title: 'The agent app exists and is ACTIVE',
    why: 'An inactive app cannot obtain tokens.',
    fix: 'Activate {app}.',
    guideStep: 'Step 3',
    variants: {
      missing: {
        title: 'The agent app exists',
        why: "The assertion's iss and sub name this app; Okta cannot authenticate an unknown client.",
        fix: 'Create an API Services app (Applications → Create App Integration → API Services) or run `agbac provision`, and use its client id.',
      },
    },
  },
  {
    id: 'app-service',
    title: 'The app is a service app',
    why: 'Only API Services (service) apps use client_credentials without a user.',
    fix: 'Create the agent as an API Services app.',
    guideStep: 'Step 3.1',
  },
  {
    id: 'app-grant',
    title: 'The app may use client credentials',
    why: 'Okta answers unauthorized_client for a grant type the app is not allowed.',
    fix: "Enable the Client Credentials grant type in the app's General Settings.",
    guideStep: 'Step 3.3',
  },
  {
    id: 'app-auth-method',
    title: 'Client authentication matches the assertion',
    why: "Okta verifies the assertion only with the app's configured client authentication method.",
    fix: "Set the app's client authentication to {wanted}.",
    guideStep: 'Step 3',
    variants: {
      secret: {
        why:
          "With {method} Okta expects the secret itself, not a signed assertion, and refuses the assertion. The guide's app JSON shows client_secret_post while sending an HS256 assertion; that combination does not work.",
      },
    },
  },
  {
    id: 'app-jwks',
    title: "The app knows the agent's public key",
    why: 'With private_key_jwt Okta verifies the assertion with the registered key whose kid matches ("The client_assertion JWT kid is invalid." otherwise).',
    fix: "Register the agent's public JWK with the app and give its kid in the connection (`agbac provision` generates and registers one).",
    guideStep: 'Step 3',
  },
  // Step 4: the act claim, or a token inline hook.
  {
    id: 'act-path',
    title: 'How act reaches the token',
    why: 'Without the claim expression or a token inline hook no access token names the human, and every AGBAC resource server denies.',
    fix: 'Run `agbac provision` (the guide\'s claim expression) or `agbac provision --act-via hook --hook-url URL` (a token inline hook, the way Okta documents); see "Getting act from a real Okta org" in the README.',
    guideStep: 'Step 4',
    variants: {
      // Token exchange names the human without act (Okta's on-behalf-of token has them in uid).
      exchange: { title: 'How the human reaches the token' },
      'exchange-missing': {
        title: 'How the human reaches the token',
        why: 'Token exchange needs the Token Exchange grant on the agent app and a rule that allows it in a policy assigned to the agent; without them no token carries the human\'s own sign-in.',
        fix: 'Enable the Token Exchange grant on the agent app, and add a rule for the Token Exchange grant (people: Everyone or their group; the scopes) to the policy assigned to the agent.',
      },
    },
  },
  {
    id: 'act-claim',
    title: 'act claim exists',
    why: 'Without it the human never reaches the access token, and every AGBAC resource server denies.',
    fix: `Add a claim: name act, include in Access Token, value type Expression, value ${GUIDE.claimExpression}, any scope (or run \`agbac provision\`).`,
    guideStep: 'Step 4',
  },
  {
    id: 'act-claim-access-token',
    title: 'act claim is in the access token',
    why: 'The resource server reads the access token; an ID-token claim never reaches it.',
    fix: 'Edit the claim: "Include in token type" → Access Token.',
    guideStep: 'Step 4',
  },
  {
    id: 'act-claim-expression',
    title: "act claim copies the assertion's act",
    why: 'The claim must take act from the client assertion the agent signed, not from anything else.',
    fix: `Set value type Expression and value ${GUIDE.claimExpression}.`,
    guideStep: 'Step 4',
  },
  {
    id: 'act-claim-active',
    title: 'act claim is enabled',
    why: 'A disabled claim is left out of every token.',
    fix: 'Edit the claim and clear "Disable claim".',
    guideStep: 'Step 4',
  },
  {
    id: 'act-claim-scopes',
    title: 'act claim applies to the requested scopes',
    why: 'A claim limited to other scopes is left out of tokens for the requested ones.',
    fix: 'Set "Include in" to Any scope, or add {scopes}.',
    guideStep: 'Step 4',
  },
  // Step 5: the access policy and its rule.
  {
    id: 'policy',
    title: 'An access policy is assigned to the agent',
    why: 'Okta answers access_denied ("Policy evaluation failed") when no active policy is assigned to the client.',
    fix: `Create policy ${GUIDE.policyName} assigned to the agent app (Access Policies → Add New Access Policy), or run \`agbac provision\`.`,
    guideStep: 'Step 5',
    variants: { inactive: { fix: 'Activate policy {policy}.' } },
  },
  {
    id: 'policy-rule',
    title: 'A rule allows client credentials',
    why: 'Okta evaluates the rules of the assigned policy; without a matching active rule it refuses to issue the token.',
    fix: `Add rule "${GUIDE.ruleName}": grant type Client Credentials, scopes Any scopes, access token lifetime ${GUIDE.tokenLifetimeMinutes} minutes.`,
    guideStep: 'Step 5.3',
  },
  // Step 5 with a token inline hook (Okta's documented way to add per-request claims).
  {
    id: 'hook-registered',
    title: 'A token inline hook is registered',
    why: 'Okta calls only hooks registered through the Inline Hooks API (type com.okta.oauth2.tokens.transform).',
    fix: 'Run `agbac provision --act-via hook --hook-url URL`, or register it (Workflow → Inline Hooks → Add Inline Hook → Token) with the URL of `agbac hook serve`.',
    guideStep: 'Step 5 (inline hook)',
  },
  {
    id: 'hook-active',
    title: 'The hook is ACTIVE',
    why: 'An INACTIVE hook is never called, so tokens are issued without act.',
    fix: 'Activate {hook} (Workflow → Inline Hooks → {hook} → Activate), or run `agbac provision --act-via hook --hook-url URL`.',
    guideStep: 'Step 5 (inline hook)',
  },
  {
    id: 'hook-attached',
    title: 'The hook runs on the rule that serves the agent',
    why: 'Okta runs the hook of the policy rule that grants the token request, and only that one.',
    fix: 'Edit rule {rule}: "Use this inline hook" → {hook} (one hook per rule), or run `agbac provision --act-via hook --hook-url URL`.',
    guideStep: 'Step 5.3 (inline hook)',
  },
  {
    id: 'hook-execute',
    title: "The hook answers Okta's request",
    why: 'Okta skips a hook that cannot be reached within 3 s, answers anything but 200, or sends commands it cannot apply, and issues the token without act (hooks fail open).',
    fix: 'Check that `agbac hook serve` runs at the registered URL with the registered Authorization secret, and read its audit log; then run the doctor again.',
    guideStep: 'Step 5 (inline hook)',
  },
  // Beyond the guide: token exchange (RFC 8693, Okta's on-behalf-of flow), where the human comes from their own sign-in.
  {
    id: 'exchange-grant',
    title: 'The agent app may exchange tokens',
    why: 'Okta answers unauthorized_client to a token exchange by an app without the Token Exchange grant.',
    fix: "Enable the Token Exchange grant type in the agent app's General Settings.",
    guideStep: 'Token exchange',
  },
  {
    id: 'exchange-rule',
    title: 'A rule allows token exchange for the agent',
    why: 'Okta evaluates the policies assigned to the agent; without an ACTIVE rule for the Token Exchange grant that covers the person and the scopes it answers access_denied.',
    fix: 'Add a rule to the policy assigned to the agent: grant type Token Exchange, people Everyone (or their group), the scopes.',
    guideStep: 'Token exchange',
  },
  // Step 7: the human.
  {
    id: 'human',
    title: 'The human exists and is ACTIVE',
    why: 'An agent must not act for a deactivated or suspended person.',
    fix: 'Activate {login} (Directory → People), or act for someone else.',
    guideStep: 'Step 7',
    variants: {
      missing: {
        title: 'The human exists',
        why: 'act.sub must be a real Okta user id, or no approval and no audit record can match it.',
        fix: 'Look the user id up (`agbac whois <login>`) and use it as act.sub.',
      },
    },
  },
  {
    id: 'human-group',
    title: 'The human is in {group}',
    why: 'The resource server approves the human by membership of this group; without it every request is denied.',
    fix: 'Add {login} to {group} (Directory → Groups → {group} → Assign people).',
    guideStep: 'Step 9 (human authorization)',
  },
  // Steps 8 and 9: the live probe.
  {
    id: 'probe',
    title: 'Live token request',
    why: 'The token endpoint could not be reached or answered unexpectedly.',
    fix: 'Check the org URL and the network, then run the doctor again.',
    guideStep: 'Step 8',
    variants: { refused: { why: '{meaning}', fix: '{fix}' } },
  },
  {
    id: 'probe-verify',
    title: 'The token verifies',
    why: 'A resource server will refuse this token.',
    fix: 'Fix what the findings name (`agbac explain <code>`).',
    guideStep: 'Step 9',
    variants: {
      unreachable: {
        why: "The issuer's metadata or keys could not be read, so no resource server can verify its tokens either.",
        fix: 'Check that the issuer URL is right and that /.well-known/oauth-authorization-server and /v1/keys answer.',
      },
    },
  },
  {
    id: 'probe-act',
    title: 'act comes back in the token',
    why: 'The access token must name exactly the human the agent named.',
    fix: `Check that the claim's value is ${GUIDE.claimExpression} and nothing else.`,
    guideStep: 'Step 4',
    variants: { missing: { why: '{meaning}', fix: '{fix}' } },
  },
  {
    id: 'hook-probe-act',
    title: 'act comes back in the token through the hook',
    why: 'Okta issued the token without act: the hook was skipped (unreachable, slower than 3 s, an answer other than 200, or a patch Okta could not apply). Hooks fail open, so resource servers must deny tokens without act.',
    fix: "Check the hook's audit log and that it is reachable from Okta at its registered URL; `agbac doctor` again.",
    guideStep: 'Step 8 (inline hook)',
    variants: { other: { why: 'The access token names another human than the act assertion did.', fix: 'Check that nothing else (a claim, another rule) writes act.' } },
  },
  {
    id: 'exchange-probe',
    title: 'Live token exchange',
    why: 'The token endpoint could not be reached or answered unexpectedly.',
    fix: 'Check the org URL and the network, then run the doctor again.',
    guideStep: 'Token exchange',
    variants: { refused: { why: '{meaning}', fix: '{fix}' } },
  },
  {
    id: 'exchange-probe-subjects',
    title: 'The exchanged token names the person and the agent',
    why: "A resource server reads the human and the agent from the exchanged token; it must name the person of the subject token and the agent that exchanged it.",
    fix: 'Check the claims the authorization server adds to exchanged tokens (nothing may overwrite uid, sub, cid or act).',
    guideStep: 'Token exchange',
  },
] as const satisfies readonly CheckEntry[];

/** The id of one of the doctor's checks. */
export type CheckId = (typeof DOCTOR_CHECKS)[number]['id'];

export type CheckStatus = 'pass' | 'fail' | 'skip';

/** One check's result. A failure carries why it matters, the fix and the guide's step. */
export interface Check {
  readonly id: CheckId;
  readonly title: string;
  readonly status: CheckStatus;
  /** What was found. */
  readonly detail: string;
  readonly why?: string;
  readonly fix?: string;
  readonly guideStep?: string;
}

/** How a check's words are chosen and filled. */
export interface CheckWords {
  readonly variant?: string;
  readonly params?: Readonly<Record<string, string | number>>;
  /** A guide step more precise than the table's (e.g. the one the token endpoint's refusal points to). */
  readonly guideStep?: string;
}

const entries = new Map<string, CheckEntry>(DOCTOR_CHECKS.map((entry) => [entry.id, entry]));

function wording(id: CheckId, words: CheckWords): { title: string; why: string; fix: string; guideStep: string } {
  const entry = entries.get(id);
  if (!entry) throw new TypeError(`unknown doctor check ${id}`);
  const variant = words.variant ? entry.variants?.[words.variant] : undefined;
  if (words.variant && !variant) throw new TypeError(`doctor check ${id} has no variant ${words.variant}`);
  const fill = (text: string) => formatMessage(text, words.params ?? {});
  return {
    title: fill(variant?.title ?? entry.title),
    why: fill(variant?.why ?? entry.why),
    fix: fill(variant?.fix ?? entry.fix),
    guideStep: words.guideStep ?? entry.guideStep,
  };
}

export function passed(id: CheckId, detail: string, words: CheckWords = {}): Check {
  return { id, title: wording(id, words).title, status: 'pass', detail };
}

export function failed(id: CheckId, detail: string, words: CheckWords = {}): Check {
  const { title, why, fix, guideStep } = wording(id, words);
  return { id, title, status: 'fail', detail, why, fix, guideStep };
}

export function skipped(id: CheckId, detail: string, words: CheckWords = {}): Check {
  return { id, title: wording(id, words).title, status: 'skip', detail };
}
