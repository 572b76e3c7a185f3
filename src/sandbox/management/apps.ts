/**
 * `/api/v1/apps`: OAuth 2.0 apps (create, get, list with `q` and `filter`, replace, activate,
 * deactivate). A replace changes what the token endpoint accepts: grant types,
 * `token_endpoint_auth_method`, the registered JWKS, the secret.
 */
import type { SandboxContext } from '../context';
import { apiErrors } from '../errors';
import { FilterError, matchesFilter, parseFilter } from '../filter';
import type { Handler, RequestContext, Router } from '../http';
import type { AppRecord } from '../model';
import { readApp } from '../shapes';
import { appJson } from '../views';
import type { Guard } from './auth';
import { fieldProblem, ok, page, readJson, validate } from './common';

type Route = (context: SandboxContext) => Handler;

const FILTER_ATTRIBUTES = ['id', 'status', 'name', 'label'];

function appOf(context: SandboxContext, request: RequestContext): AppRecord {
  const id = request.params.appId ?? '';
  const app = context.org.apps.get(id);
  if (!app) throw apiErrors.notFound(id, 'AppInstance');
  return app;
}

function attribute(app: AppRecord, name: string): string | undefined {
  switch (name) {
    case 'id':
      return app.id;
    case 'status':
      return app.status;
    case 'name':
      return 'oidc_client';
    case 'label':
      return app.label;
    default:
      return undefined;
  }
}

const listApps: Route = (context) => ({ url }) => {
  let apps = [...context.org.apps.values()];
  const q = url.searchParams.get('q')?.toLowerCase();
  if (q) apps = apps.filter((app) => app.label.toLowerCase().startsWith(q) || 'oidc_client'.startsWith(q));
  const filter = url.searchParams.get('filter');
  if (filter) {
    try {
      const expression = parseFilter(filter, FILTER_ATTRIBUTES);
      apps = apps.filter((app) => matchesFilter(expression, (name) => attribute(app, name)));
    } catch (error) {
      if (error instanceof FilterError) throw apiErrors.invalidSearch(error.message);
      throw error;
    }
  }
  const orgUrl = context.orgUrl();
  return page(apps, (app) => app.id, (app) => appJson(orgUrl, app), url, orgUrl);
};

const createApp: Route = (context) => async ({ req, url }) => {
  const fields = validate(await readJson(req), (reader) => readApp(reader, { seed: false }));
  if (fields.clientId !== undefined && context.org.clientIdTaken(fields.clientId)) {
    fieldProblem('client_id', `An app with client_id '${fields.clientId}' already exists.`);
  }
  const activate = url.searchParams.get('activate') !== 'false';
  const app = context.org.addApp({ ...fields, status: activate ? 'ACTIVE' : 'INACTIVE' });
  return ok(appJson(context.orgUrl(), app));
};

const getApp: Route = (context) => (request) => ok(appJson(context.orgUrl(), appOf(context, request)));

const replaceApp: Route = (context) => async (request) => {
  const app = appOf(context, request);
  const fields = validate(await readJson(request.req), (reader) => readApp(reader, { seed: false }));
  if (fields.clientId !== undefined && fields.clientId !== app.clientId) fieldProblem('client_id', 'The client_id of an app cannot be changed.');
  app.label = fields.label;
  app.authMethod = fields.authMethod;
  app.grantTypes = fields.grantTypes;
  app.responseTypes = fields.responseTypes;
  app.applicationType = fields.applicationType;
  app.jwks = fields.jwks;
  app.pkceRequired = fields.pkceRequired;
  app.dpopBound = fields.dpopBound;
  if (fields.clientSecret !== undefined) app.clientSecret = fields.clientSecret;
  context.org.touch(app);
  return ok(appJson(context.orgUrl(), app));
};

const lifecycle = (status: 'ACTIVE' | 'INACTIVE'): Route => (context) => (request) => {
  const app = appOf(context, request);
  app.status = status;
  context.org.touch(app);
  return ok({});
};

/** Adds the routes under `/api/v1/apps`, each behind the guard (authentication and scope). */
export function addAppRoutes(router: Router, context: SandboxContext, guard: Guard): void {
  const routes: [string, string, Route][] = [
    ['GET', '', listApps],
    ['POST', '', createApp],
    ['GET', '/:appId', getApp],
    ['PUT', '/:appId', replaceApp],
    ['POST', '/:appId/lifecycle/activate', lifecycle('ACTIVE')],
    ['POST', '/:appId/lifecycle/deactivate', lifecycle('INACTIVE')],
  ];
  for (const [method, path, route] of routes) {
    const pattern = `/api/v1/apps${path}`;
    router.add(method, pattern, guard(method, pattern, route(context)));
  }
}

