/**
 * The sandbox in its own process for the load benchmarks, as it ships (dist/sandbox.js of the
 * production build, which the benchmark makes first): prints what a client needs as one JSON line.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

const { startSandbox } = createRequire(import.meta.url)(join(import.meta.dirname, '..', '..', 'dist', 'sandbox.js')) as typeof import('../../src/sandbox');

void startSandbox().then((sandbox) => {
  const { tokenEndpoint, jwksUri, issuer, clientId, clientSecret } = sandbox;
  process.stdout.write(`${JSON.stringify({ tokenEndpoint, jwksUri, issuer, clientId, clientSecret })}\n`);
  process.on('SIGTERM', () => void sandbox.close().then(() => process.exit(0)));
});
