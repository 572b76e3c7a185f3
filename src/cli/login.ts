/** `agbac login`: a person signs in (browser with PKCE, or the password grant in scripts) and gets their own access token. */
import { decodeJwt, UrlError } from '../core';
import { browserSignIn, discover, DiscoveryError, NetworkError, passwordGrant, type PersonTokens, ResponseError, SignInError, TokenError } from '../oauth';
import { tokenErrorHint } from '../okta';
import { type Command, CommandError, EXIT, formatOption, json, parse, secretFromEnv, UsageError } from './common';
import { caOption, timeoutOption } from './okta-options';

export const loginCommand: Command = {
  usage: `agbac login --issuer URL --client-id ID [--scope S]... [--agent CLIENT_ID] [options]
agbac login --issuer URL --client-id ID --username LOGIN --password-env VAR [--scope S]...

Signs a person in at the authorization server and prints their access token, the subject token of
agbac token --flow token-exchange. By default in a browser: it prints a URL to open, listens on
the loopback interface for the redirect back (authorization code with PKCE, S256), and redeems the
code. With --password-env it uses the resource owner password grant instead (for scripts and tests;
the server must allow it for the app). The password is read from the environment, never taken on
the command line.

Options:
  --issuer URL             the authorization server (its metadata gives both endpoints)
  --client-id ID           the app people sign in with (a public client; the sandbox prints it
                           as "Sign-in app")
  --scope S                a scope to ask for (repeatable; default openid profile)
  --agent CLIENT_ID        the agent that will act for the person: the AGBAC sandbox names it on
                           its consent page and puts it in the token's may_act, so that only
                           this agent can exchange it (other servers ignore the parameter)
  --redirect-uri URI       a registered loopback redirect URI with its port (real Okta compares
                           the whole URI); default http://127.0.0.1:<free port>/callback
  --login-hint LOGIN       fills in the username on the sign-in page
  --wait SECONDS           how long to wait for the browser (default 300)
  --username LOGIN --password-env VAR   the password grant instead of the browser
  --ca FILE --timeout SECONDS           for the HTTP requests
  --format text|json       text prints the access token alone; json the whole answer and the
                           decoded access and ID tokens

Exit status: 0 signed in, 1 refused, timed out or unreachable, 2 usage error.`,
  async run(args, io) {
    const { values, positionals } = parse(args, {
      issuer: { type: 'string' },
      'client-id': { type: 'string' },
      scope: { type: 'string', multiple: true },
      agent: { type: 'string' },
      'redirect-uri': { type: 'string' },
      'login-hint': { type: 'string' },
      wait: { type: 'string' },
      username: { type: 'string' },
      'password-env': { type: 'string' },
      // Declared only to refuse it with the reason: a password on the command line leaks.
      password: { type: 'string' },
      ca: { type: 'string' },
      timeout: { type: 'string' },
      format: { type: 'string' },
    });
    if (positionals.length) throw new UsageError('unexpected argument (agbac login takes options only)');
    if (values.password !== undefined) throw new UsageError('--password is not taken on the command line (ps and shell history keep it): use --password-env VAR');
    const issuer = values.issuer;
    const clientId = values['client-id'];
    if (!issuer) throw new UsageError('--issuer is required');
    if (!clientId) throw new UsageError('--client-id is required (the app people sign in with)');
    const format = formatOption(values.format, ['text', 'json'] as const);
    const passwordMode = values['password-env'] !== undefined || values.username !== undefined;
    if (passwordMode && (!values.username || !values['password-env'])) throw new UsageError('the password grant needs both --username and --password-env');
    if (passwordMode && (values['redirect-uri'] || values.wait || values['login-hint'])) throw new UsageError('--redirect-uri, --wait and --login-hint go with the browser sign-in, not --password-env');
    const scopes = values.scope?.length ? values.scope : ['openid', 'profile'];
    const waitSeconds = values.wait === undefined ? 300 : Number(values.wait);
    if (!Number.isInteger(waitSeconds) || waitSeconds < 1 || waitSeconds > 3600) throw new UsageError(`--wait must be 1 to 3600 seconds, got "${values.wait}"`);
    const extra = values.agent ? { agent: values.agent } : undefined;
    if (values['redirect-uri'] !== undefined) checkRedirectUri(values['redirect-uri']);
    const ca = await caOption(values);
    const timeoutMs = timeoutOption(values);

    try {
      const metadata = await discover(issuer, { ...(ca ? { ca } : {}), ...(timeoutMs ? { timeoutMs } : {}) });
      const common = { tokenEndpoint: metadata.tokenEndpoint, clientId, ...(ca ? { ca } : {}), ...(timeoutMs ? { timeoutMs } : {}), hint: tokenErrorHint };
      let tokens: PersonTokens;
      if (passwordMode) {
        const password = secretFromEnv(values['password-env'] ?? '', io, 'password');
        tokens = await passwordGrant({ ...common, username: values.username ?? '', password, scopes, ...(extra ? { extra } : {}) });
      } else {
        if (!metadata.authorizationEndpoint) throw new CommandError(`${issuer} announces no authorization_endpoint: people cannot sign in there with a browser`);
        if (metadata.codeChallengeMethods.length && !metadata.codeChallengeMethods.includes('S256')) {
          throw new CommandError(`${issuer} does not announce PKCE with S256 (it lists ${metadata.codeChallengeMethods.join(', ')})`);
        }
        tokens = await browserSignIn({
          ...common,
          authorizationEndpoint: metadata.authorizationEndpoint,
          scopes,
          ...(values['redirect-uri'] ? { redirectUri: values['redirect-uri'] } : {}),
          ...(values['login-hint'] ? { loginHint: values['login-hint'] } : {}),
          ...(extra ? { extra } : {}),
          waitMs: waitSeconds * 1000,
          open: (url) => {
            io.err(`Open this URL in a browser to sign in (waiting up to ${waitSeconds} s):\n${url}`);
          },
        });
      }
      if (format === 'json') {
        io.out(json({
          ...tokens.response,
          decoded: {
            access_token: decodeJwt(tokens.accessToken).payload,
            ...(tokens.idToken ? { id_token: decodeJwt(tokens.idToken).payload } : {}),
          },
        }));
      } else {
        io.out(tokens.accessToken);
      }
      return EXIT.ok;
    } catch (error) {
      if (error instanceof UrlError) throw new UsageError(error.message);
      if (error instanceof TokenError || error instanceof NetworkError || error instanceof ResponseError || error instanceof DiscoveryError || error instanceof SignInError) {
        throw new CommandError(error.message, { cause: error });
      }
      throw error;
    }
  },
};

/** A redirect URI the CLI can listen on: http on the loopback interface. */
function checkRedirectUri(uri: string): void {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new UsageError(`--redirect-uri must be an absolute URL, got "${uri}"`);
  }
  if (url.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new UsageError(`--redirect-uri must be http on the loopback interface (127.0.0.1, localhost or [::1]), got "${uri}"`);
  }
}
