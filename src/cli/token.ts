/** `agbac token`: request a dual-subject access token with a signed client assertion. */
import { decodeJwt, type Human, issuerFromTokenEndpoint, UrlError } from '../core';
import { NetworkError, requestToken, ResponseError, TokenError } from '../oauth';
import { tokenErrorHint } from '../okta';
import { audienceStyleOption, type Command, CommandError, EXIT, formatOption, json, parse, progressOf, UsageError } from './common';
import { signingCredential } from './keys';
import { caOption, CONNECTION_OPTIONS, timeoutOption } from './okta-options';

export const tokenCommand: Command = {
  name: 'token',
  summary: 'request an access token with client_credentials and a client assertion carrying the human',
  usage: `agbac token --token-endpoint URL --client-id ID (--client-secret-env VAR | --key FILE --kid KID) --scope S
            [--act-sub ID --act-email E --act-name N] [--audience-style token-endpoint|issuer] [--format text|json]

Builds a fresh assertion (iss = sub = client id, aud = the token endpoint, exp = now + 300, a random
jti, the human in act), signs it, and requests a token. Prints the access token; --format json
prints the whole answer and the decoded token. Retries 429 and 5xx answers a bounded number of
times, and adds a DPoP proof when the app requires one.
  --ca FILE          an extra trusted CA (PEM)
  --timeout SECONDS  per attempt (default 10)
  --alg ALG          signing algorithm (default HS256 with a secret, by key type with a key)

Exit status: 0 token issued, 1 refused or unreachable (the reason and the fix on one line), 2 usage.`,
  async run(args, io) {
    const { values } = parse(args, {
      ...CONNECTION_OPTIONS,
      'token-endpoint': { type: 'string' },
      issuer: { type: 'string' },
      alg: { type: 'string' },
      ca: { type: 'string' },
      timeout: { type: 'string' },
      format: { type: 'string' },
    }, false);
    const tokenEndpoint = values['token-endpoint'];
    const clientId = values['client-id'];
    if (!tokenEndpoint) throw new UsageError('--token-endpoint is required');
    if (!clientId) throw new UsageError('--client-id is required');
    if (!values.scope?.length) throw new UsageError('give at least one --scope');
    const format = formatOption(values.format, ['text', 'json'] as const);
    const audienceStyle = audienceStyleOption(values['audience-style']);
    const issuer = values.issuer ?? issuerFromTokenEndpoint(tokenEndpoint);
    if (audienceStyle === 'issuer' && !issuer) throw new UsageError('--audience-style issuer needs --issuer (the token endpoint is not Okta-shaped)');
    const human: Human | undefined = values['act-sub']
      ? { id: values['act-sub'], ...(values['act-email'] ? { email: values['act-email'] } : {}), ...(values['act-name'] ? { name: values['act-name'] } : {}) }
      : undefined;
    if (!human && (values['act-email'] || values['act-name'])) throw new UsageError('--act-email and --act-name need --act-sub (the user id)');

    const progress = progressOf(io, 'token');
    try {
      const result = await requestToken({
        tokenEndpoint,
        clientId,
        issuer,
        credential: await signingCredential({ secretEnv: values['client-secret-env'], key: values.key, kid: values.kid, secretFlag: 'client-secret' }, io),
        scopes: values.scope,
        human,
        audienceStyle,
        alg: values.alg,
        ca: await caOption(values),
        timeoutMs: timeoutOption(values),
        clock: io.now,
        hint: tokenErrorHint,
        onRetry: (retry) => progress(`${retry.reason}; attempt ${retry.attempt} in ${(retry.delayMs / 1000).toFixed(1)} s`),
      });
      if (!human) io.err('note: no --act-sub was given, so the token carries no human (act); AGBAC resource servers will deny it');
      if (format === 'json') {
        const decoded = decodeJwt(result.accessToken);
        io.out(json({ ...result.response, decoded: { header: decoded.header, payload: decoded.payload }, attempts: result.attempts, dpop: result.dpop }));
      } else {
        io.out(result.accessToken);
      }
      return EXIT.ok;
    } catch (error) {
      if (error instanceof UrlError) throw new UsageError(error.message);
      if (error instanceof TokenError || error instanceof NetworkError || error instanceof ResponseError) throw new CommandError(error.message, { cause: error });
      throw error;
    }
  },
};
