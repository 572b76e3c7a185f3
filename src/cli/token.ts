/** `agbac token`: request a dual-subject access token with a signed client assertion, or exchange a person's token for one. */
import { decodeJwt, type Human, issuerFromTokenEndpoint, UrlError } from '../core';
import { NetworkError, requestToken, ResponseError, TokenError } from '../oauth';
import { actAssertionParameters, tokenErrorHint } from '../okta';
import { audienceStyleOption, type Command, CommandError, EXIT, formatOption, json, parse, progressOf, readToken, UsageError } from './common';
import { signingCredential } from './keys';
import { caOption, CONNECTION_OPTIONS, timeoutOption } from './okta-options';

export const tokenCommand: Command = {
  usage: `agbac token --token-endpoint URL --client-id ID (--client-secret-env VAR | --key FILE --kid KID) --scope S
            [--act-sub ID --act-email E --act-name N] [--audience-style token-endpoint|issuer] [--format text|json]
            [--act-via assertion|hook --hook-url URL]
agbac token --flow token-exchange --subject-token <token|file|-> --token-endpoint URL --client-id ID
            (--client-secret-env VAR | --key FILE --kid KID) --scope S [--audience AUD] [--format text|json]

Builds a fresh assertion (iss = sub = client id, aud = the token endpoint, exp = now + 300, a random
jti, the human in act), signs it, and requests a token. Prints the access token; --format json
prints the whole answer and the decoded token. Retries 429 and 5xx answers a bounded number of
times, and adds a DPoP proof when the app requires one.
  --ca FILE          an extra trusted CA (PEM)
  --timeout SECONDS  per attempt (default 10)
  --alg ALG          signing algorithm (default HS256 with a secret, by key type with a key)
  --act-via hook     the org adds act with a token inline hook: the human travels in an act
                     assertion (act.sub only, aud = --hook-url, 120 s, a fresh jti per attempt),
                     signed with the same credential and sent as the query parameter
                     act_assertion on the token URL; the client assertion then carries no act
  --hook-url URL     the hook's URL as registered with Okta (its channel.config.uri)
  --flow client-credentials|token-exchange
                     token-exchange: RFC 8693, the person's own access token (agbac login)
                     is the subject and the agent, authenticated by its assertion (which names
                     no one), gets a token to act for them; the person comes from their own
                     sign-in, not from the agent's word. No --act-* options then.
  --subject-token T  the person's access token: the token itself, a file holding it, or -
  --audience AUD     the resource the exchanged token is for (the API audience)

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
      'act-via': { type: 'string' },
      'hook-url': { type: 'string' },
      flow: { type: 'string' },
      'subject-token': { type: 'string' },
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
    const actVia = values['act-via'] ?? 'assertion';
    if (actVia !== 'assertion' && actVia !== 'hook') throw new UsageError(`--act-via must be assertion or hook, got "${actVia}"`);
    const hookUrl = values['hook-url'];
    if (actVia === 'hook' && !hookUrl) throw new UsageError('--act-via hook needs --hook-url (the hook\'s URL, the act assertion\'s audience)');
    if (actVia === 'hook' && !human) throw new UsageError('--act-via hook needs --act-sub (the human the hook vouches for)');
    if (actVia === 'assertion' && hookUrl) throw new UsageError('--hook-url goes with --act-via hook');
    const flow = values.flow ?? 'client-credentials';
    if (flow !== 'client-credentials' && flow !== 'token-exchange') throw new UsageError(`--flow must be client-credentials or token-exchange, got "${flow}"`);
    const exchange = flow === 'token-exchange';
    if (exchange && !values['subject-token']) throw new UsageError('--flow token-exchange needs --subject-token (the person\'s access token: agbac login prints one)');
    if (!exchange && values['subject-token']) throw new UsageError('--subject-token goes with --flow token-exchange');
    if (exchange && (human || values['act-via'])) throw new UsageError('--flow token-exchange takes the person from the subject token: leave out --act-sub, --act-email, --act-name and --act-via');
    const subjectToken = exchange ? await readToken(values['subject-token'] ?? '', io) : undefined;
    if (exchange && !subjectToken) throw new UsageError('--subject-token is empty');

    const progress = progressOf(io, 'token');
    try {
      const credential = await signingCredential({ secretEnv: values['client-secret-env'], key: values.key, kid: values.kid, secretFlag: 'client-secret' }, io);
      const result = await requestToken({
        tokenEndpoint,
        clientId,
        issuer,
        credential,
        scopes: values.scope,
        // With a hook the human travels in the act assertion only.
        human: actVia === 'hook' ? undefined : human,
        ...(actVia === 'hook' && hookUrl && human
          ? { urlParameters: actAssertionParameters({ clientId, hookUrl, human, credential, alg: values.alg, clock: io.now, newId: () => crypto.randomUUID() }) }
          : {}),
        ...(subjectToken ? { exchange: { subjectToken, ...(values.audience ? { audience: values.audience } : {}) } } : {}),
        audienceStyle,
        alg: values.alg,
        ca: await caOption(values),
        timeoutMs: timeoutOption(values),
        clock: io.now,
        hint: tokenErrorHint,
        onRetry: (retry) => progress(`${retry.reason}; attempt ${retry.attempt} in ${(retry.delayMs / 1000).toFixed(1)} s`),
      });
      if (!human && !exchange) io.err('note: no --act-sub was given, so the token carries no human (act); AGBAC resource servers will deny it');
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
