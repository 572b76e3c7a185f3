/**
 * A person's sign-in at `/oauth2/{authServerId}/v1/authorize`: the authorization code flow with
 * PKCE (S256 only) for apps with a registered redirect URI.
 *
 * `GET` checks the request in RFC 6749's order: the app and its redirect URI first (a problem
 * there is an error page: the browser is never sent to an unregistered place), then everything
 * else (answered by a redirect with `error`), and shows the sign-in and consent page. `POST` is
 * that page's form: the person's login and password, and Allow or Deny. Allow sends the browser
 * back with a one-time code; the token endpoint exchanges it (`person-grants.ts`).
 *
 * A loopback redirect URI matches on any port (RFC 8252 §7.3), so native apps can listen on a free
 * one; everything else must match exactly.
 */
import type { SandboxContext } from './context';
import { OAuthError, OKTA_TEXT, SANDBOX_TEXT } from './errors';
import type { Handler, Reply, Router } from './http';
import { type AppRecord, type AuthServerRecord, TOKEN_EXCHANGE_GRANT } from './model';
import { agentParameter } from './person-grants';
import { evaluatePolicies } from './policy';
import { isLoopbackHostname } from './shapes';
import type { PendingSignIn } from './sign-in-store';
import { type AgentView, errorPage, signInPage } from './sign-in-page';
import { activeServer, readForm, requestedScopes } from './token';
import { isOidcScope } from './user-tokens';

/** RFC 7636 §4.2: the S256 challenge is 32 bytes in base64url. */
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** What the OpenID Connect scopes mean, for the consent page. */
const OIDC_SCOPE_TEXT: Readonly<Record<string, string>> = {
  openid: 'Sign you in (an ID token for the app)',
  profile: 'Your name and username',
  email: 'Your email address',
  address: 'Your address',
  phone: 'Your phone number',
};

/** A failure that goes back to the app as a redirect with `error` (RFC 6749 §4.1.2.1). */
class RedirectError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

/** Adds the authorize endpoint (GET: the page, POST: its form). */
export function addSignInRoutes(router: Router, context: SandboxContext): void {
  const path = '/oauth2/:authServerId/v1/authorize';
  router.add('GET', path, authorize(context));
  router.add('POST', path, submit(context));
}

function authorize(context: SandboxContext): Handler {
  return ({ params, url }) => {
    const server = activeServer(context, params.authServerId);
    const query = url.searchParams;
    for (const name of new Set(query.keys())) {
      if (query.getAll(name).length > 1) return page(400, errorPage(`The '${safeName(name)}' parameter must not be repeated.`));
    }
    const app = activeApp(context, query.get('client_id'));
    if (!app) return page(400, errorPage(OKTA_TEXT.clientIdInvalid));
    const redirectUri = query.get('redirect_uri') ?? '';
    if (!redirectUri || !registered(app, redirectUri)) return page(400, errorPage(OKTA_TEXT.redirectUriNotRegistered));
    const state = query.get('state') ?? undefined;
    try {
      const pending = checkRequest(context, server, app, redirectUri, query);
      const transaction = context.signIns.pending.put(pending, context.org.now());
      return page(200, renderPage(context, server, app, pending, transaction));
    } catch (error) {
      if (error instanceof RedirectError) return redirect(redirectUri, { error: error.error, error_description: error.description, state });
      if (error instanceof OAuthError) return redirect(redirectUri, { error: error.error, error_description: error.description, state });
      throw error;
    }
  };
}

/** Everything after the app and its redirect URI; any problem goes back to the app. */
function checkRequest(context: SandboxContext, server: AuthServerRecord, app: AppRecord, redirectUri: string, query: URLSearchParams): PendingSignIn {
  if (query.get('response_type') !== 'code') throw new RedirectError('unsupported_response_type', SANDBOX_TEXT.responseType);
  if (!app.grantTypes.includes('authorization_code')) {
    throw new RedirectError('unauthorized_client', `The client is not authorized to use the provided grant type. Configured grant types: [${app.grantTypes.join(', ')}].`);
  }
  const scopes = requestedScopes(query.get('scope') ?? undefined, server, { oidc: true });
  const challenge = query.get('code_challenge');
  if (!challenge) throw new RedirectError('invalid_request', SANDBOX_TEXT.pkceRequired);
  if (query.get('code_challenge_method') !== 'S256') throw new RedirectError('invalid_request', SANDBOX_TEXT.pkceMethod);
  if (!CHALLENGE.test(challenge)) throw new RedirectError('invalid_request', SANDBOX_TEXT.codeChallengeInvalid);
  const agent = agentParameter(context, query.get('agent') ?? undefined);
  return {
    serverId: server.id,
    clientId: app.clientId,
    redirectUri,
    scopes,
    state: query.get('state') ?? undefined,
    nonce: query.get('nonce') ?? undefined,
    codeChallenge: challenge,
    agent: agent?.clientId,
    loginHint: query.get('login_hint') ?? undefined,
  };
}

function submit(context: SandboxContext): Handler {
  return async ({ req, params }) => {
    const server = activeServer(context, params.authServerId);
    const form = await readForm(req);
    const now = context.org.now();
    const handle = form.get('txn') ?? '';
    const pending = context.signIns.pending.peek(handle, now);
    if (!pending || pending.serverId !== server.id) return page(400, errorPage('This sign-in has expired or was already used: start again from the app.'));
    const app = activeApp(context, pending.clientId);
    if (!app) return page(400, errorPage(OKTA_TEXT.clientIdInvalid));
    const back = (values: Record<string, string | undefined>) => {
      context.signIns.pending.take(handle, now);
      return redirect(pending.redirectUri, { ...values, state: pending.state });
    };
    if (form.get('decision') !== 'allow') return back({ error: 'access_denied', error_description: SANDBOX_TEXT.consentDenied });

    const user = context.org.userByIdOrLogin(form.get('username') ?? '');
    const password = form.get('password') ?? '';
    if (!user || !context.org.passwordMatches(user, password) || user.status !== 'ACTIVE') {
      return page(401, renderPage(context, server, app, pending, handle, 'Unable to sign in: the username or the password is wrong, or the person is not active.'));
    }
    const match = evaluatePolicies(server, { clientId: app.clientId, grantType: 'authorization_code', scopes: pending.scopes, person: { user, org: context.org } });
    if (!match) return back({ error: 'access_denied', error_description: OKTA_TEXT.policyFailed });
    const code = context.signIns.codes.put({ ...pending, userId: user.id, authTime: Math.floor(now) }, now);
    return back({ code });
  };
}

function renderPage(context: SandboxContext, server: AuthServerRecord, app: AppRecord, pending: PendingSignIn, transaction: string, error?: string): string {
  const agentApp = pending.agent ? context.org.appByClientId(pending.agent) : undefined;
  return signInPage({
    server: server.name,
    app: view(app),
    agent: agentApp ? view(agentApp) : undefined,
    agentsAllowed: agentApp ? [] : exchangingAgents(context, server).map(view),
    scopes: pending.scopes.map((name) => ({
      name,
      description: isOidcScope(name) ? OIDC_SCOPE_TEXT[name] : descriptionOf(server, name),
    })),
    action: `/oauth2/${encodeURIComponent(server.id)}/v1/authorize`,
    transaction,
    loginHint: pending.loginHint,
    ...(error ? { error } : {}),
  });
}

function descriptionOf(server: AuthServerRecord, name: string): string | undefined {
  const scope = server.scopes.find((candidate) => candidate.name === name);
  return scope?.displayName ?? scope?.description;
}

function view(app: AppRecord): AgentView {
  return { label: app.label, clientId: app.clientId };
}

/** The ACTIVE apps with the token exchange grant that an ACTIVE token exchange rule of this server serves. */
function exchangingAgents(context: SandboxContext, server: AuthServerRecord): AppRecord[] {
  return [...context.org.apps.values()].filter(
    (app) =>
      app.status === 'ACTIVE' &&
      app.grantTypes.includes(TOKEN_EXCHANGE_GRANT) &&
      server.policies.some(
        (policy) =>
          policy.status === 'ACTIVE' &&
          (policy.clients.includes(app.clientId) || policy.clients.includes('ALL_CLIENTS')) &&
          policy.rules.some((rule) => rule.status === 'ACTIVE' && rule.grantTypes.includes(TOKEN_EXCHANGE_GRANT)),
      ),
  );
}

function activeApp(context: SandboxContext, clientId: string | null | undefined): AppRecord | undefined {
  const app = clientId ? context.org.appByClientId(clientId) : undefined;
  return app?.status === 'ACTIVE' ? app : undefined;
}

/** A registered redirect URI, exactly; or a loopback one on another port (RFC 8252 §7.3). */
export function registered(app: AppRecord, uri: string): boolean {
  if (app.redirectUris.includes(uri)) return true;
  let given: URL;
  try {
    given = new URL(uri);
  } catch {
    return false;
  }
  if (given.protocol !== 'http:' || !isLoopbackHostname(given.hostname) || given.hash || given.username || given.password) return false;
  return app.redirectUris.some((candidate) => {
    try {
      const url = new URL(candidate);
      return url.protocol === 'http:' && url.hostname === given.hostname && url.pathname === given.pathname && url.search === given.search;
    } catch {
      return false;
    }
  });
}

function redirect(uri: string, values: Record<string, string | undefined>): Reply {
  const url = new URL(uri);
  for (const [name, value] of Object.entries(values)) if (value !== undefined) url.searchParams.set(name, value);
  return { status: 302, headers: { Location: url.href, 'Cache-Control': 'no-store' } };
}

function page(status: number, html: string): Reply {
  return { status, html };
}

function safeName(name: string): string {
  return /^[A-Za-z0-9_.-]{1,64}$/.test(name) ? name : '(unnamed)';
}
