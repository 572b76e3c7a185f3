/** The sandbox in its own process for the load benchmarks: prints what a client needs as one JSON line. */
import { startSandbox } from '../../src/sandbox';

void startSandbox().then((sandbox) => {
  const { tokenEndpoint, jwksUri, issuer, clientId, clientSecret } = sandbox;
  process.stdout.write(`${JSON.stringify({ tokenEndpoint, jwksUri, issuer, clientId, clientSecret })}\n`);
  process.on('SIGTERM', () => void sandbox.close().then(() => process.exit(0)));
});
