/**
 * The Management API subset, under `/api/v1`, behind `SSWS` API-token authentication or an org
 * authorization server's `Bearer` access token with the route's Okta API scope.
 */
import type { SandboxContext } from '../context';
import type { Router } from '../http';
import { addAppRoutes } from './apps';
import { apiGuard } from './auth';
import { addAuthServerRoutes } from './auth-servers';
import { addDirectoryRoutes } from './directory';
import { addGrantRoutes } from './grants';
import { addInlineHookRoutes } from './inline-hooks';

/** Adds every Management API route to a router. */
export function addManagementRoutes(router: Router, context: SandboxContext): void {
  const guard = apiGuard(context);
  addAuthServerRoutes(router, context, guard);
  addAppRoutes(router, context, guard);
  addGrantRoutes(router, context, guard);
  addDirectoryRoutes(router, context, guard);
  addInlineHookRoutes(router, context, guard);
}
