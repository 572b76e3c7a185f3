/**
 * The token request as a shell snippet a person can run: a client assertion signed by the `agbac`
 * CLI and a curl POST to the token endpoint. Secrets appear only as references to environment
 * variables, never as values. No VS Code here: tested on plain Node.
 */
import { buildAssertion, type Connection, connectionUrls, type Human } from '../../core';

/** The environment variables the snippet reads its secrets from. */
export const CURL_VARIABLES = {
  clientSecret: 'AGBAC_CLIENT_SECRET',
  privateKeyFile: 'AGBAC_PRIVATE_KEY_FILE',
} as const;

/** A shell word in single quotes (a quote inside becomes '\''). */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The snippet for a connection, a human and scopes. The assertion payload is written out (it holds
 * no secret); `agbac sign --refresh` gives it fresh times and a fresh jti when it runs.
 */
export function curlTokenRequest(connection: Connection, human: Human | undefined, scopes: readonly string[]): string {
  const urls = connectionUrls(connection);
  const { iat: _iat, exp: _exp, jti: _jti, ...payload } = buildAssertion({
    clientId: connection.clientId,
    tokenEndpoint: urls.tokenEndpoint,
    issuer: urls.issuer,
    human,
    now: 0,
    audienceStyle: connection.audienceStyle,
    jti: 'replaced-by-refresh',
  });
  const credential = connection.authMethod === 'private_key_jwt'
    ? `--key "$${CURL_VARIABLES.privateKeyFile}"${connection.kid ? ` --kid ${shellQuote(connection.kid)}` : ''}`
    : `--secret-env ${CURL_VARIABLES.clientSecret}`;
  const needs = connection.authMethod === 'private_key_jwt'
    ? `${CURL_VARIABLES.privateKeyFile} must name the agent's private key file (PKCS#8 PEM or JWK)`
    : `${CURL_VARIABLES.clientSecret} must hold the agent's client secret`;
  return [
    `# AGBAC token request: connection ${oneLine(connection.name)}, agent ${connection.clientId} (${connection.authMethod}), ${human ? `human ${human.id}` : 'no human (AGBAC denies a token without act)'}.`,
    `# ${needs}; nothing secret is written here.`,
    `# The assertion is signed fresh (new iat, exp and jti) each time: Okta accepts each jti once.`,
    `CLIENT_ASSERTION="$(npx agbac sign - ${credential} --refresh <<'PAYLOAD'`,
    JSON.stringify(payload),
    'PAYLOAD',
    ')"',
    `curl --silent --show-error --request POST ${shellQuote(urls.tokenEndpoint)} \\`,
    `  --header 'Content-Type: application/x-www-form-urlencoded' \\`,
    `  --data-urlencode 'grant_type=client_credentials' \\`,
    `  --data-urlencode ${shellQuote(`scope=${scopes.join(' ')}`)} \\`,
    `  --data-urlencode 'client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer' \\`,
    `  --data-urlencode "client_assertion=$CLIENT_ASSERTION"`,
    '',
  ].join('\n');
}

function oneLine(text: string): string {
  return JSON.stringify(text.replace(/[\r\n]+/g, ' '));
}
