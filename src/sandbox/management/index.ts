/** The Management API subset, under `/api/v1`, behind SSWS API-token authentication. */
import type { SandboxContext } from '../context';
import type { Router } from '../http';
import { addAppRoutes } from './apps';
import { addAuthServerRoutes } from './auth-servers';
import { withApiToken } from './common';
import { addDirectoryRoutes } from './directory';

/** Adds every Management API route to a router. */
export function addManagementRoutes(router: Router, context: SandboxContext): void {
  const wrap = withApiToken.bind(undefined, context);
  addAuthServerRoutes(router, context, wrap);
  addAppRoutes(router, context, wrap);
  addDirectoryRoutes(router, context, wrap);
}
