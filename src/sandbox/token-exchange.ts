/**
 * RFC 8693 token exchange at a custom authorization server, as Okta's on-behalf-of flow does it:
 * an app with the token exchange grant (the agent, authenticated as always) sends a person's access
 * token as `subject_token` with `scope` and `audience`, and gets a token about that person.
 *
 * The subject token must be an access token this server issued (its `iss`, its signature), current,
 * about an ACTIVE person (`uid`), and when it carries `may_act` (RFC 8693 §4.4), the exchanging app
 * must be the one named there. The scopes asked for must be among the subject token's: an agent
 * gets no more than the person granted. The access policy must have a token exchange rule for the
 * agent that covers the person.
 *
 * The new token takes the server's shape: Okta's on-behalf-of token by default (`sub` the login,
 * `uid` the id, `cid` the agent, no `act`), or RFC 8693's (`sub` the person's id, `act.sub` the
 * agent, the subject token's own `act` nested inside, `scope` a string) when the server's
 * `tokenExchange.shape` is `rfc8693`.
 */
import { isRecord, type JsonObject, parseJwt, quote, relativeTime } from '../core';
import { customClaims } from './claims';
import { invalidRequest, OAuthError, OKTA_TEXT, SANDBOX_TEXT } from './errors';
import type { Reply } from './http';
import { newAccessTokenId } from './ids';
import { ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT, type UserRecord } from './model';
import { evaluatePolicies } from './policy';
import { audienceOf, type GrantRequest, issueAccessToken, requestedScopes, tokenAnswer } from './token';

/** A subject token that passed every check. */
interface Subject {
  readonly user: UserRecord;
  readonly scopes: readonly string[];
  readonly authTime: number | undefined;
  /** Its own actor chain (an exchanged token exchanged again), nested under the new actor in the RFC 8693 shape. */
  readonly act: JsonObject | undefined;
}

/** `'subject_token' is invalid: <why>.`: Okta's words, then the sandbox's reason. */
function invalidSubject(reason: string): OAuthError {
  return invalidRequest(`${OKTA_TEXT.subjectTokenInvalid}: ${reason}.`);
}

/** `grant_type=urn:ietf:params:oauth:grant-type:token-exchange`. */
export async function tokenExchangeGrant(request: GrantRequest): Promise<Reply> {
  const { form, context, server, client, issuer, now } = request;
  const { app } = client;
  const token = form.get('subject_token');
  if (!token) throw invalidRequest(SANDBOX_TEXT.subjectTokenMissing);
  if (form.get('subject_token_type') !== ACCESS_TOKEN_TYPE) throw invalidRequest(SANDBOX_TEXT.subjectTokenType);
  const audience = form.get('audience');
  if (audience !== undefined && !server.audiences.includes(audience)) throw new OAuthError(400, 'invalid_target', SANDBOX_TEXT.audienceUnknown);

  const subject = await readSubject(request, token);
  const scopes = requestedScopes(form.get('scope'), server);
  const beyond = scopes.filter((scope) => !subject.scopes.includes(scope));
  if (beyond.length) {
    throw new OAuthError(400, 'invalid_scope', `The requested scopes go beyond what the person granted: ${beyond.join(' ')} (the subject token has ${subject.scopes.join(' ') || 'none'}).`);
  }
  const match = evaluatePolicies(server, { clientId: app.clientId, grantType: TOKEN_EXCHANGE_GRANT, scopes, person: { user: subject.user, org: context.org } });
  if (!match) throw new OAuthError(400, 'access_denied', OKTA_TEXT.policyFailed);

  const iat = Math.floor(now);
  const lifetime = match.rule.accessTokenLifetimeMinutes * 60;
  const { user } = subject;
  const common = { ver: 1, jti: newAccessTokenId(), iss: issuer, aud: audienceOf(server), iat, exp: iat + lifetime, cid: app.clientId, uid: user.id };
  const authTime = subject.authTime !== undefined ? { auth_time: subject.authTime } : {};
  // The person comes from the subject token, never from the agent's word: `clientAssertion.*` evaluates to nothing here.
  const custom = customClaims(server.claims, { app, assertion: undefined, scopes });
  const payload =
    server.tokenExchangeShape === 'rfc8693'
      ? { ...custom, ...common, scope: scopes.join(' '), ...authTime, sub: user.id, act: { sub: app.clientId, ...(subject.act ? { act: subject.act } : {}) } }
      : { ...custom, ...common, scp: scopes, ...authTime, sub: user.profile.login };
  const issued = await issueAccessToken(request, { grantType: TOKEN_EXCHANGE_GRANT, match, scopes, payload, lifetime });
  return tokenAnswer(issued.accessToken, issued.lifetime, scopes, { issued_token_type: ACCESS_TOKEN_TYPE });
}

/** Checks the subject token, in the order a reader would: what it is, who issued it, the signature, its time, its person, `may_act`. */
async function readSubject(request: GrantRequest, token: string): Promise<Subject> {
  const { server, issuer, now, context, client } = request;
  const parsed = parseJwt(token);
  if (!parsed.ok) throw invalidSubject('it is not a JWT');
  const { payload } = parsed.jwt;
  if (payload.iss !== issuer) throw invalidSubject(`it was issued by ${quote(payload.iss)}, not by this authorization server (${issuer})`);
  if (!(await server.keys.signed(token))) throw invalidSubject("its signature does not verify with this authorization server's keys");
  const { exp } = payload;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw invalidSubject('it has no expiry (exp)');
  if (exp <= now) throw invalidSubject(`it expired ${relativeTime(exp, now)}`);
  const uid = payload.uid;
  if (typeof uid !== 'string' || !uid) throw invalidSubject('it names no person (uid): a client_credentials token carries no one to act for');
  const user = context.org.users.get(uid);
  if (!user) throw invalidSubject(`its person ${uid} does not exist`);
  if (user.status !== 'ACTIVE') throw invalidSubject(`its person ${uid} is ${user.status}`);
  const mayAct = payload.may_act;
  if (mayAct !== undefined) {
    const allowed = isRecord(mayAct) && typeof mayAct.sub === 'string' ? mayAct.sub : undefined;
    if (allowed !== client.app.clientId) {
      throw invalidSubject(`its may_act names ${quote(allowed ?? mayAct)} as the one who may act for the person, not ${client.app.clientId}`);
    }
  }
  return {
    user,
    scopes: scopesOf(payload),
    authTime: typeof payload.auth_time === 'number' ? payload.auth_time : undefined,
    act: isRecord(payload.act) ? payload.act : undefined,
  };
}

/** The scopes a token grants: Okta's `scp` array, or an RFC 8693-shaped token's `scope` string. */
function scopesOf(payload: JsonObject): string[] {
  if (Array.isArray(payload.scp)) return payload.scp.filter((scope): scope is string => typeof scope === 'string');
  return typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
}
