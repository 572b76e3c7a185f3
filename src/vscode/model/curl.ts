/**
 * The token request as a shell snippet a person can run: assertions signed by the `agbac` CLI and
 * a curl POST to the token endpoint, on the connection's path (the guide's, a token inline hook,
 * token exchange). Secrets appear only as references to environment
 * variables, never as values. No VS Code here: tested on plain Node.
 */
import { ACCESS_TOKEN_TYPE, ACT_ASSERTION_PARAMETER, buildActAssertion, buildAssertion, type Connection, connectionUrls, type Human, type JsonRecord, TOKEN_EXCHANGE_GRANT_TYPE } from '../../core';

/** The environment variables the snippet reads its secrets from. */
export const CURL_VARIABLES = {
  clientSecret: 'AGBAC_CLIENT_SECRET',
  privateKeyFile: 'AGBAC_PRIVATE_KEY_FILE',
  /** Token exchange: the person's own access token (`agbac login` prints one). */
  subjectToken: 'AGBAC_SUBJECT_TOKEN',
} as const;

/** A shell word in single quotes (a quote inside becomes '\''). */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The snippet for a connection, a human and scopes, on the connection's path: the guide's (the
 * human in the assertion's `act`), a token inline hook (the human in an act assertion on the token
 * URL, the client assertion naming no one), or token exchange (the person's own access token as
 * the subject; `human` is not used). Payloads are written out (they hold no secret);
 * `agbac sign --refresh` gives them fresh times and a fresh jti when the snippet runs.
 */
export function curlTokenRequest(connection: Connection, human: Human | undefined, scopes: readonly string[]): string {
  const urls = connectionUrls(connection);
  const path = connection.actDelivery;
  const hookUrl = path === 'inline-hook' ? connection.hookUrl : undefined;
  const credential = connection.authMethod === 'private_key_jwt'
    ? `--key "$${CURL_VARIABLES.privateKeyFile}"${connection.kid ? ` --kid ${shellQuote(connection.kid)}` : ''}`
    : `--secret-env ${CURL_VARIABLES.clientSecret}`;
  const sign = (variable: string, payload: JsonRecord) => [`${variable}="$(npx agbac sign - ${credential} --refresh <<'PAYLOAD'`, JSON.stringify(withoutTimes(payload)), 'PAYLOAD', ')"'];
  const assertion = buildAssertion({
    clientId: connection.clientId,
    tokenEndpoint: urls.tokenEndpoint,
    issuer: urls.issuer,
    // Only the guide's path names the human in the client assertion.
    human: path === 'assertion' ? human : undefined,
    now: 0,
    audienceStyle: connection.audienceStyle,
    jti: 'replaced-by-refresh',
  });
  const needs = [
    connection.authMethod === 'private_key_jwt'
      ? `${CURL_VARIABLES.privateKeyFile} must name the agent's private key file (PKCS#8 PEM or JWK)`
      : `${CURL_VARIABLES.clientSecret} must hold the agent's client secret`,
    ...(path === 'token-exchange' ? [`${CURL_VARIABLES.subjectToken} the person's access token (agbac login prints one)`] : []),
  ];
  const who =
    path === 'token-exchange'
      ? 'token exchange: the person is the one whose access token is the subject'
      : human
        ? `human ${human.id}${hookUrl ? ` (in an act assertion for the token inline hook at ${hookUrl})` : ''}`
        : 'no human (AGBAC denies a token without act)';
  const lines = [
    `# AGBAC token request: connection ${oneLine(connection.name)}, agent ${connection.clientId} (${connection.authMethod}), ${who.replace(/[\r\n]+/g, ' ')}.`,
    `# ${needs.join('; ')}; nothing secret is written here.`,
    `# The assertions are signed afresh (new iat, exp and jti) on every run: Okta accepts each jti once.`,
    ...sign('CLIENT_ASSERTION', assertion),
  ];
  let target = shellQuote(urls.tokenEndpoint);
  if (hookUrl && human) {
    lines.push(...sign('ACT_ASSERTION', buildActAssertion({ clientId: connection.clientId, hookUrl, human: { id: human.id }, now: 0, jti: 'replaced-by-refresh' })));
    // A JWT is base64url and dots: nothing in it needs escaping in a query.
    target = `"${urls.tokenEndpoint.replace(/["$`\\]/g, '\\$&')}?${ACT_ASSERTION_PARAMETER}=$ACT_ASSERTION"`;
  }
  const form =
    path === 'token-exchange'
      ? [
          `  --data-urlencode ${shellQuote(`grant_type=${TOKEN_EXCHANGE_GRANT_TYPE}`)} \\`,
          `  --data-urlencode "subject_token=$${CURL_VARIABLES.subjectToken}" \\`,
          `  --data-urlencode ${shellQuote(`subject_token_type=${ACCESS_TOKEN_TYPE}`)} \\`,
          ...(connection.apiAudience ? [`  --data-urlencode ${shellQuote(`audience=${connection.apiAudience}`)} \\`] : []),
        ]
      : [`  --data-urlencode 'grant_type=client_credentials' \\`];
  lines.push(
    `curl --silent --show-error --request POST ${target} \\`,
    `  --header 'Content-Type: application/x-www-form-urlencoded' \\`,
    ...form,
    `  --data-urlencode ${shellQuote(`scope=${scopes.join(' ')}`)} \\`,
    `  --data-urlencode 'client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer' \\`,
    `  --data-urlencode "client_assertion=$CLIENT_ASSERTION"`,
    '',
  );
  return lines.join('\n');
}

/** Times and jti are left to `agbac sign --refresh`. */
function withoutTimes(payload: JsonRecord): JsonRecord {
  const { iat: _iat, exp: _exp, jti: _jti, ...rest } = payload;
  return rest;
}

function oneLine(text: string): string {
  return JSON.stringify(text.replace(/[\r\n]+/g, ' '));
}
