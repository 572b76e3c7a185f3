// oidc-provider 9 in its own process, issuing the same shape of token as the sandbox: the
// client_credentials grant with client_secret_jwt client authentication (the assertion's jti
// single use), an RS256 JWT access token for the finance API with `act` as an extra claim.
// Prints what a client needs as one JSON line.
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const CLIENT_ID = '0oa123abc456xyz';
const SECRET = 'b'.repeat(64);
const AUDIENCE = 'https://api.example.com/finance';
const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;
const provider = new Provider(issuer, {
  clients: [{ client_id: CLIENT_ID, client_secret: SECRET, grant_types: ['client_credentials'], redirect_uris: [], response_types: [], token_endpoint_auth_method: 'client_secret_jwt' }],
  jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] },
  scopes: ['finance.read'],
  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => AUDIENCE,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({ scope: 'finance.read', audience: AUDIENCE, accessTokenTTL: 3600, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }),
    },
  },
  extraTokenClaims: () => ({ act: { sub: '00u8f2k4m6n8p0r2t4v', email: 'alice@corp.example.com', name: 'Alice Smith' } }),
});
provider.on('server_error', (_ctx, error) => process.stderr.write(`oidc-provider: ${error.message}\n`));
server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ tokenEndpoint: `${issuer}/token`, issuer, clientId: CLIENT_ID, clientSecret: SECRET })}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
