/**
 * `/api/v1/authorizationServers`: servers (list, get, create, replace, delete, activate,
 * deactivate), their keys (list, get, rotate), scopes, claims, policies and policy rules.
 */
import { isRecord } from '../../core';
import type { SandboxContext } from '../context';
import { apiErrors } from '../errors';
import type { Handler, RequestContext, Router } from '../http';
import type { AuthServerRecord, PolicyRecord } from '../model';
import { readAuthServer, readClaim, readPolicy, readRule, readScope } from '../shapes';
import { authServerJson, claimJson, keyJson, policyJson, ruleJson, scopeJson } from '../views';
import type { Guard } from './auth';
import { fieldProblem, noContent, ok, page, readJson, validate } from './common';

type Route = (context: SandboxContext) => Handler;

function server(context: SandboxContext, request: RequestContext): AuthServerRecord {
  const id = request.params.authServerId ?? '';
  const found = context.org.authServers.get(id);
  if (!found) throw apiErrors.notFound(id, 'AuthorizationServer');
  return found;
}

function policyOf(record: AuthServerRecord, request: RequestContext): PolicyRecord {
  const id = request.params.policyId ?? '';
  const found = record.policies.find((policy) => policy.id === id);
  if (!found) throw apiErrors.notFound(id, 'Policy');
  return found;
}

function find<T extends { id: string }>(items: readonly T[], id: string | undefined, type: string): T {
  const found = items.find((item) => item.id === id);
  if (!found) throw apiErrors.notFound(id ?? '', type);
  return found;
}

function remove<T extends { id: string }>(items: T[], item: T): void {
  const index = items.indexOf(item);
  if (index >= 0) items.splice(index, 1);
}

// ------------------------------------------------------------------ servers

const listServers: Route = (context) => ({ url }) => {
  const q = url.searchParams.get('q')?.toLowerCase();
  const servers = [...context.org.authServers.values()].filter(
    (record) => !q || record.name.toLowerCase().includes(q) || record.audiences.some((audience) => audience.toLowerCase().includes(q)),
  );
  const orgUrl = context.orgUrl();
  return page(servers, (record) => record.id, (record) => authServerJson(orgUrl, record), url, orgUrl);
};

const createServer: Route = (context) => async ({ req }) => {
  const fields = validate(await readJson(req), readAuthServer);
  const record = await context.org.addAuthServer({ ...fields, status: 'ACTIVE' });
  return ok(authServerJson(context.orgUrl(), record), 201);
};

const getServer: Route = (context) => (request) => ok(authServerJson(context.orgUrl(), server(context, request)));

const replaceServer: Route = (context) => async (request) => {
  const record = server(context, request);
  const fields = validate(await readJson(request.req), readAuthServer);
  Object.assign(record, { name: fields.name, description: fields.description, audiences: fields.audiences, issuerMode: fields.issuerMode });
  context.org.touch(record);
  return ok(authServerJson(context.orgUrl(), record));
};

const deleteServer: Route = (context) => (request) => {
  const record = server(context, request);
  context.org.authServers.delete(record.id);
  return noContent();
};

const serverLifecycle = (status: 'ACTIVE' | 'INACTIVE'): Route => (context) => (request) => {
  const record = server(context, request);
  record.status = status;
  context.org.touch(record);
  return noContent();
};

// ------------------------------------------------------------------ keys

const listKeys: Route = (context) => (request) => {
  const record = server(context, request);
  return ok(record.keys.list().map((key) => keyJson(context.orgUrl(), record, key)));
};

const getKey: Route = (context) => (request) => {
  const record = server(context, request);
  const key = record.keys.list().find((candidate) => candidate.kid === request.params.keyId);
  if (!key) throw apiErrors.notFound(request.params.keyId ?? '', 'JsonWebKey');
  return ok(keyJson(context.orgUrl(), record, key));
};

const rotateKeys: Route = (context) => async (request) => {
  const record = server(context, request);
  const body = validate(await readJson(request.req), (reader) => {
    reader.expectObject();
    return { use: reader.string('use', { required: true }) };
  });
  if (body.use !== 'sig') fieldProblem('use', `'use' is invalid. Valid values: [sig].`);
  await record.keys.rotate(context.org.now());
  context.org.touch(record);
  return ok(record.keys.list().map((key) => keyJson(context.orgUrl(), record, key)));
};

// ------------------------------------------------------------------ scopes

const listScopes: Route = (context) => (request) => {
  const record = server(context, request);
  const q = request.url.searchParams.get('q')?.toLowerCase();
  const scopes = record.scopes.filter((scope) => !q || scope.name.toLowerCase().includes(q));
  const orgUrl = context.orgUrl();
  return page(scopes, (scope) => scope.id, (scope) => scopeJson(orgUrl, record, scope), request.url, orgUrl);
};

const createScope: Route = (context) => async (request) => {
  const record = server(context, request);
  const fields = validate(await readJson(request.req), readScope);
  if (context.org.scopeNameTaken(record, fields.name)) fieldProblem('name', `A scope named '${fields.name}' already exists.`);
  return ok(scopeJson(context.orgUrl(), record, context.org.addScope(record, fields)), 201);
};

const getScope: Route = (context) => (request) => {
  const record = server(context, request);
  return ok(scopeJson(context.orgUrl(), record, find(record.scopes, request.params.scopeId, 'OAuth2Scope')));
};

const replaceScope: Route = (context) => async (request) => {
  const record = server(context, request);
  const scope = find(record.scopes, request.params.scopeId, 'OAuth2Scope');
  const fields = validate(await readJson(request.req), readScope);
  if (context.org.scopeNameTaken(record, fields.name, scope.id)) fieldProblem('name', `A scope named '${fields.name}' already exists.`);
  Object.assign(scope, fields);
  context.org.touch(record);
  return ok(scopeJson(context.orgUrl(), record, scope));
};

const deleteScope: Route = (context) => (request) => {
  const record = server(context, request);
  remove(record.scopes, find(record.scopes, request.params.scopeId, 'OAuth2Scope'));
  context.org.touch(record);
  return noContent();
};

// ------------------------------------------------------------------ claims

const listClaims: Route = (context) => (request) => {
  const record = server(context, request);
  const orgUrl = context.orgUrl();
  return page(record.claims, (claim) => claim.id, (claim) => claimJson(orgUrl, record, claim), request.url, orgUrl);
};

const createClaim: Route = (context) => async (request) => {
  const record = server(context, request);
  const fields = validate(await readJson(request.req), readClaim);
  if (context.org.claimNameTaken(record, fields)) fieldProblem('name', `A ${fields.claimType} claim named '${fields.name}' already exists.`);
  return ok(claimJson(context.orgUrl(), record, context.org.addClaim(record, fields)), 201);
};

const getClaim: Route = (context) => (request) => {
  const record = server(context, request);
  return ok(claimJson(context.orgUrl(), record, find(record.claims, request.params.claimId, 'OAuth2Claim')));
};

const replaceClaim: Route = (context) => async (request) => {
  const record = server(context, request);
  const claim = find(record.claims, request.params.claimId, 'OAuth2Claim');
  const body = await readJson(request.req);
  const fields = validate(body, readClaim);
  if (context.org.claimNameTaken(record, fields, claim.id)) fieldProblem('name', `A ${fields.claimType} claim named '${fields.name}' already exists.`);
  Object.assign(claim, { ...fields, status: isRecord(body) && body.status !== undefined ? fields.status : claim.status });
  context.org.touch(record);
  return ok(claimJson(context.orgUrl(), record, claim));
};

const deleteClaim: Route = (context) => (request) => {
  const record = server(context, request);
  remove(record.claims, find(record.claims, request.params.claimId, 'OAuth2Claim'));
  context.org.touch(record);
  return noContent();
};

// ------------------------------------------------------------------ policies

function checkClients(context: SandboxContext, clients: readonly string[]): void {
  const unknown = context.org.unknownClients(clients);
  if (unknown.length) fieldProblem('conditions.clients.include', `${unknown.map((id) => `'${id}'`).join(', ')} is not a valid client (or ALL_CLIENTS).`);
}

const listPolicies: Route = (context) => (request) => {
  const record = server(context, request);
  const orgUrl = context.orgUrl();
  return page(record.policies, (policy) => policy.id, (policy) => policyJson(orgUrl, record, policy), request.url, orgUrl);
};

const createPolicy: Route = (context) => async (request) => {
  const record = server(context, request);
  const fields = validate(await readJson(request.req), readPolicy);
  checkClients(context, fields.clients);
  return ok(policyJson(context.orgUrl(), record, context.org.addPolicy(record, fields)), 201);
};

const getPolicy: Route = (context) => (request) => {
  const record = server(context, request);
  return ok(policyJson(context.orgUrl(), record, policyOf(record, request)));
};

const replacePolicy: Route = (context) => async (request) => {
  const record = server(context, request);
  const policy = policyOf(record, request);
  const fields = validate(await readJson(request.req), readPolicy);
  checkClients(context, fields.clients);
  Object.assign(policy, { ...fields, status: policy.status, priority: fields.priority ?? policy.priority });
  context.org.touch(policy);
  context.org.reorder(record);
  return ok(policyJson(context.orgUrl(), record, policy));
};

const deletePolicy: Route = (context) => (request) => {
  const record = server(context, request);
  remove(record.policies, policyOf(record, request));
  context.org.touch(record);
  return noContent();
};

const policyLifecycle = (status: 'ACTIVE' | 'INACTIVE'): Route => (context) => (request) => {
  const policy = policyOf(server(context, request), request);
  policy.status = status;
  context.org.touch(policy);
  return noContent();
};

// ------------------------------------------------------------------ rules

const listRules: Route = (context) => (request) => {
  const record = server(context, request);
  const policy = policyOf(record, request);
  const orgUrl = context.orgUrl();
  return page(policy.rules, (rule) => rule.id, (rule) => ruleJson(orgUrl, record, policy, rule), request.url, orgUrl);
};

/** A rule's `actions.token.inlineHook.id` must name a registered token inline hook. */
function checkRuleHook(context: SandboxContext, id: string | undefined): void {
  if (id === undefined) return;
  const hook = context.org.inlineHooks.get(id);
  if (!hook) fieldProblem('actions.token.inlineHook.id', `'${id.slice(0, 40)}' is not the id of an inline hook.`);
  if (hook.type !== 'com.okta.oauth2.tokens.transform') fieldProblem('actions.token.inlineHook.id', `The inline hook '${hook.name}' is not a token inline hook (com.okta.oauth2.tokens.transform).`);
}

const createRule: Route = (context) => async (request) => {
  const record = server(context, request);
  const policy = policyOf(record, request);
  const fields = validate(await readJson(request.req), readRule);
  checkRuleHook(context, fields.inlineHookId);
  return ok(ruleJson(context.orgUrl(), record, policy, context.org.addRule(policy, fields)), 201);
};

const getRule: Route = (context) => (request) => {
  const record = server(context, request);
  const policy = policyOf(record, request);
  return ok(ruleJson(context.orgUrl(), record, policy, find(policy.rules, request.params.ruleId, 'PolicyRule')));
};

const replaceRule: Route = (context) => async (request) => {
  const record = server(context, request);
  const policy = policyOf(record, request);
  const rule = find(policy.rules, request.params.ruleId, 'PolicyRule');
  const fields = validate(await readJson(request.req), readRule);
  checkRuleHook(context, fields.inlineHookId);
  Object.assign(rule, { ...fields, status: rule.status, priority: fields.priority ?? rule.priority });
  context.org.touch(rule);
  context.org.reorder(record, policy);
  return ok(ruleJson(context.orgUrl(), record, policy, rule));
};

const deleteRule: Route = (context) => (request) => {
  const policy = policyOf(server(context, request), request);
  remove(policy.rules, find(policy.rules, request.params.ruleId, 'PolicyRule'));
  context.org.touch(policy);
  return noContent();
};

const ruleLifecycle = (status: 'ACTIVE' | 'INACTIVE'): Route => (context) => (request) => {
  const policy = policyOf(server(context, request), request);
  const rule = find(policy.rules, request.params.ruleId, 'PolicyRule');
  rule.status = status;
  context.org.touch(rule);
  return noContent();
};

/** The routes, as [method, path, route]. */
const AUTH_SERVER_ROUTES: readonly (readonly [string, string, Route])[] = [
  ['GET', '', listServers],
  ['POST', '', createServer],
  ['GET', '/:authServerId', getServer],
  ['PUT', '/:authServerId', replaceServer],
  ['DELETE', '/:authServerId', deleteServer],
  ['POST', '/:authServerId/lifecycle/activate', serverLifecycle('ACTIVE')],
  ['POST', '/:authServerId/lifecycle/deactivate', serverLifecycle('INACTIVE')],
  ['GET', '/:authServerId/credentials/keys', listKeys],
  ['GET', '/:authServerId/credentials/keys/:keyId', getKey],
  ['POST', '/:authServerId/credentials/lifecycle/keyRotate', rotateKeys],
  ['GET', '/:authServerId/scopes', listScopes],
  ['POST', '/:authServerId/scopes', createScope],
  ['GET', '/:authServerId/scopes/:scopeId', getScope],
  ['PUT', '/:authServerId/scopes/:scopeId', replaceScope],
  ['DELETE', '/:authServerId/scopes/:scopeId', deleteScope],
  ['GET', '/:authServerId/claims', listClaims],
  ['POST', '/:authServerId/claims', createClaim],
  ['GET', '/:authServerId/claims/:claimId', getClaim],
  ['PUT', '/:authServerId/claims/:claimId', replaceClaim],
  ['DELETE', '/:authServerId/claims/:claimId', deleteClaim],
  ['GET', '/:authServerId/policies', listPolicies],
  ['POST', '/:authServerId/policies', createPolicy],
  ['GET', '/:authServerId/policies/:policyId', getPolicy],
  ['PUT', '/:authServerId/policies/:policyId', replacePolicy],
  ['DELETE', '/:authServerId/policies/:policyId', deletePolicy],
  ['POST', '/:authServerId/policies/:policyId/lifecycle/activate', policyLifecycle('ACTIVE')],
  ['POST', '/:authServerId/policies/:policyId/lifecycle/deactivate', policyLifecycle('INACTIVE')],
  ['GET', '/:authServerId/policies/:policyId/rules', listRules],
  ['POST', '/:authServerId/policies/:policyId/rules', createRule],
  ['GET', '/:authServerId/policies/:policyId/rules/:ruleId', getRule],
  ['PUT', '/:authServerId/policies/:policyId/rules/:ruleId', replaceRule],
  ['DELETE', '/:authServerId/policies/:policyId/rules/:ruleId', deleteRule],
  ['POST', '/:authServerId/policies/:policyId/rules/:ruleId/lifecycle/activate', ruleLifecycle('ACTIVE')],
  ['POST', '/:authServerId/policies/:policyId/rules/:ruleId/lifecycle/deactivate', ruleLifecycle('INACTIVE')],
];

/** Adds the routes under `/api/v1/authorizationServers`, each behind the guard (authentication and scope). */
export function addAuthServerRoutes(router: Router, context: SandboxContext, guard: Guard): void {
  for (const [method, path, route] of AUTH_SERVER_ROUTES) {
    const pattern = `/api/v1/authorizationServers${path}`;
    router.add(method, pattern, guard(method, pattern, route(context)));
  }
}
