/**
 * `/api/v1/inlineHooks`: register (ACTIVE), list (`type`), get, replace, activate, deactivate,
 * delete (INACTIVE only, as Okta requires) and `execute` (POST the body to the hook and return
 * its answer; a test aid). The `authScheme` value is accepted but never shown.
 */
import type { SandboxContext } from '../context';
import { apiErrors } from '../errors';
import type { Handler, RequestContext, Router } from '../http';
import { INLINE_HOOK_TYPES, type InlineHookRecord } from '../model';
import { readInlineHook } from '../shapes';
import { callHook } from '../token-hook';
import { inlineHookJson } from '../views';
import type { Guard } from './auth';
import { fieldProblem, noContent, ok, page, readJson, validate } from './common';

type Route = (context: SandboxContext) => Handler;

function hookOf(context: SandboxContext, request: RequestContext): InlineHookRecord {
  const id = request.params.inlineHookId ?? '';
  const hook = context.org.inlineHooks.get(id);
  if (!hook) throw apiErrors.notFound(id, 'InlineHook');
  return hook;
}

const listHooks: Route = (context) => ({ url }) => {
  const type = url.searchParams.get('type');
  if (type !== null && !(INLINE_HOOK_TYPES as readonly string[]).includes(type)) {
    throw apiErrors.validation('type', [`type: '${type.slice(0, 60)}' is invalid. Valid values: [${INLINE_HOOK_TYPES.join(', ')}].`]);
  }
  const hooks = [...context.org.inlineHooks.values()].filter((hook) => type === null || hook.type === type);
  const orgUrl = context.orgUrl();
  return page(hooks, (hook) => hook.id, (hook) => inlineHookJson(orgUrl, hook), url, orgUrl);
};

const createHook: Route = (context) => async ({ req }) => {
  const fields = validate(await readJson(req), readInlineHook);
  if (fields.channel.auth && fields.channel.auth.value === undefined) fieldProblem('channel.config.authScheme.value', 'The field cannot be left blank');
  if (context.org.inlineHookNameTaken(fields.name)) fieldProblem('name', `An inline hook named '${fields.name}' already exists.`);
  return ok(inlineHookJson(context.orgUrl(), context.org.addInlineHook({ ...fields, status: 'ACTIVE' })));
};

const getHook: Route = (context) => (request) => ok(inlineHookJson(context.orgUrl(), hookOf(context, request)));

const replaceHook: Route = (context) => async (request) => {
  const hook = hookOf(context, request);
  const fields = validate(await readJson(request.req), readInlineHook);
  if (fields.type !== hook.type) fieldProblem('type', 'The type of an inline hook cannot be changed.');
  if (context.org.inlineHookNameTaken(fields.name, hook.id)) fieldProblem('name', `An inline hook named '${fields.name}' already exists.`);
  const auth = fields.channel.auth;
  hook.name = fields.name;
  hook.channel = {
    ...fields.channel,
    // Okta never shows the secret, so a replace built from a GET has none: the old one stays.
    auth: auth ? { key: auth.key, value: auth.value ?? hook.channel.auth?.value ?? '' } : undefined,
  };
  if (auth && !hook.channel.auth?.value) fieldProblem('channel.config.authScheme.value', 'The field cannot be left blank');
  context.org.touch(hook);
  return ok(inlineHookJson(context.orgUrl(), hook));
};

const lifecycle = (status: 'ACTIVE' | 'INACTIVE'): Route => (context) => (request) => {
  const hook = hookOf(context, request);
  hook.status = status;
  context.org.touch(hook);
  return ok(inlineHookJson(context.orgUrl(), hook));
};

const deleteHook: Route = (context) => (request) => {
  const hook = hookOf(context, request);
  if (hook.status !== 'INACTIVE') fieldProblem('status', 'Only an INACTIVE inline hook can be deleted: deactivate it first.');
  const users = context.org.rulesUsingHook(hook.id);
  if (users.length) fieldProblem('id', `The inline hook is used by ${users.join(', ')}; remove it from the rule first.`);
  context.org.inlineHooks.delete(hook.id);
  return noContent();
};

/**
 * Sends the request body to the hook, as Okta's execute does (3 s, one retry after a timeout or
 * an error answer), and returns the hook's JSON answer as it is.
 */
const executeHook: Route = (context) => async (request) => {
  const hook = hookOf(context, request);
  const body = await readJson(request.req);
  if (hook.status !== 'ACTIVE') throw apiErrors.validation('status', ['status: The inline hook is INACTIVE; activate it to execute it.']);
  let failure = '';
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const answer = await callHook(hook, body, { timeoutMs: context.hookTimeoutMs, ...(context.hookCa ? { ca: context.hookCa } : {}) });
    if (answer.kind === 'failed') {
      failure = answer.reason;
      continue;
    }
    if (answer.status < 200 || answer.status > 299) {
      failure = `it answered HTTP ${answer.status}`;
      continue;
    }
    try {
      return ok(JSON.parse(answer.body) as unknown);
    } catch {
      failure = 'its answer is not JSON';
      break;
    }
  }
  throw apiErrors.hookFailed(`The inline hook's external service failed: ${failure}.`);
};

/** Adds the routes under `/api/v1/inlineHooks`, each behind the guard (scope `okta.inlineHooks.*`). */
export function addInlineHookRoutes(router: Router, context: SandboxContext, guard: Guard): void {
  const routes: [string, string, Route][] = [
    ['GET', '', listHooks],
    ['POST', '', createHook],
    ['GET', '/:inlineHookId', getHook],
    ['PUT', '/:inlineHookId', replaceHook],
    ['DELETE', '/:inlineHookId', deleteHook],
    ['POST', '/:inlineHookId/lifecycle/activate', lifecycle('ACTIVE')],
    ['POST', '/:inlineHookId/lifecycle/deactivate', lifecycle('INACTIVE')],
    ['POST', '/:inlineHookId/execute', executeHook],
  ];
  for (const [method, path, route] of routes) {
    const pattern = `/api/v1/inlineHooks${path}`;
    router.add(method, pattern, guard(method, pattern, route(context)));
  }
}
