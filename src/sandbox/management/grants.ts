/**
 * `/api/v1/apps/{appId}/grants`: the Okta API scopes granted to an app, which the org
 * authorization server may put in the app's access tokens. Grant (`{"issuer": orgUrl,
 * "scopeId": "okta.users.read"}`, 201), list, get, revoke (204).
 */
import type { SandboxContext } from '../context';
import { apiErrors } from '../errors';
import type { Handler, RequestContext, Router } from '../http';
import { type AppRecord, type GrantRecord, OKTA_API_SCOPES } from '../model';
import { grantJson } from '../views';
import type { Guard } from './auth';
import { fieldProblem, noContent, ok, page, readJson, validate } from './common';

type Route = (context: SandboxContext) => Handler;

function appOf(context: SandboxContext, request: RequestContext): AppRecord {
  const id = request.params.appId ?? '';
  const app = context.org.apps.get(id);
  if (!app) throw apiErrors.notFound(id, 'AppInstance');
  return app;
}

function grantOf(app: AppRecord, request: RequestContext): GrantRecord {
  const id = request.params.grantId ?? '';
  const grant = app.grants.find((candidate) => candidate.id === id);
  if (!grant) throw apiErrors.notFound(id, 'OAuth2ScopeConsentGrant');
  return grant;
}

const listGrants: Route = (context) => (request) => {
  const app = appOf(context, request);
  const orgUrl = context.orgUrl();
  return page(app.grants, (grant) => grant.id, (grant) => grantJson(orgUrl, app, grant), request.url, orgUrl);
};

/** The issuer must be the org URL; the scope one the sandbox knows and not granted yet. */
const createGrant: Route = (context) => async (request) => {
  const app = appOf(context, request);
  const orgUrl = context.orgUrl();
  const body = validate(await readJson(request.req), (reader) => {
    reader.expectObject();
    return { issuer: reader.string('issuer', { required: true }), scopeId: reader.oneOf('scopeId', OKTA_API_SCOPES) };
  });
  if (body.scopeId === undefined) fieldProblem('scopeId', 'The field cannot be left blank');
  if (body.issuer?.replace(/\/+$/, '') !== orgUrl) fieldProblem('issuer', `The issuer must be the org authorization server's, ${orgUrl}.`);
  if (app.grants.some((grant) => grant.scopeId === body.scopeId)) fieldProblem('scopeId', `The scope '${body.scopeId}' is already granted to this app.`);
  return ok(grantJson(orgUrl, app, context.org.addGrant(app, body.scopeId)), 201);
};

const getGrant: Route = (context) => (request) => {
  const app = appOf(context, request);
  return ok(grantJson(context.orgUrl(), app, grantOf(app, request)));
};

const revokeGrant: Route = (context) => (request) => {
  const app = appOf(context, request);
  const grant = grantOf(app, request);
  app.grants.splice(app.grants.indexOf(grant), 1);
  return noContent();
};

/** Adds the routes under `/api/v1/apps/{appId}/grants`, each behind the guard (scope `okta.appGrants.*`). */
export function addGrantRoutes(router: Router, context: SandboxContext, guard: Guard): void {
  const routes: [string, string, Route][] = [
    ['GET', '', listGrants],
    ['POST', '', createGrant],
    ['GET', '/:grantId', getGrant],
    ['DELETE', '/:grantId', revokeGrant],
  ];
  for (const [method, path, route] of routes) {
    const pattern = `/api/v1/apps/:appId/grants${path}`;
    router.add(method, pattern, guard(method, pattern, route(context)));
  }
}
