/**
 * The Management API with an OAuth service app (the SDK's PrivateKey mode): it works when the app
 * is keyed and granted, and when it is not, the real token error is reported instead of the
 * SDK's misleading "E0000011 Invalid token provided".
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import { connectOrg, findUsers, ManagementError, MANAGEMENT_SCOPES } from '../../../src/okta';
import { DEFAULT_IDS, defaultSeed, type Sandbox, startSandbox } from '../../../src/sandbox';

const SERVICE_APP = '0oa9service9app9xyz';

describe('the Management API through an OAuth service app', () => {
  let sandbox: Sandbox;
  let privateKey: string;
  const tokenRequests: string[] = [];

  before(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    privateKey = await exportPKCS8(pair.privateKey);
    const seed = defaultSeed() as { apps: unknown[] };
    seed.apps.push({
      id: SERVICE_APP,
      label: 'AGBAC Toolkit admin',
      credentials: { oauthClient: { client_id: SERVICE_APP, token_endpoint_auth_method: 'private_key_jwt' } },
      settings: { oauthClient: { grant_types: ['client_credentials'], application_type: 'service', jwks: { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'admin-1', alg: 'RS256' }] } } },
      grantedScopes: [...MANAGEMENT_SCOPES],
    });
    sandbox = await startSandbox({ seed, log: (line) => void (line.includes('/oauth2/v1/token') && tokenRequests.push(line)) });
  });
  after(() => sandbox.close());

  const connect = (options: { key?: string; keyId?: string; scopes?: readonly string[] } = {}) =>
    connectOrg({
      orgUrl: sandbox.orgUrl,
      credential: { kind: 'private-key', clientId: SERVICE_APP, privateKey: options.key ?? privateKey, keyId: options.keyId ?? 'admin-1', scopes: options.scopes ?? MANAGEMENT_SCOPES },
    });

  it('reads users with a keyed, granted service app', async () => {
    assert.equal((await findUsers(await connect(), 'alice@corp.example.com'))[0]?.id, DEFAULT_IDS.alice);
  });

  it('reports a wrong key as the token endpoint\'s own error, asking once', async () => {
    const wrong = await exportPKCS8((await generateKeyPair('RS256', { extractable: true })).privateKey);
    tokenRequests.splice(0);
    const org = await connect({ key: wrong });
    await assert.rejects(org.getUser('alice@corp.example.com'), (error: unknown) => {
      assert.ok(error instanceof ManagementError);
      assert.doesNotMatch(error.message, /E0000011/);
      assert.match(error.message, /could not get a token from .*\/oauth2\/v1\/token \(HTTP 401\): invalid_client: The client_assertion signature is invalid\. /);
      return true;
    });
    assert.equal(tokenRequests.length, 1, 'the refused request is not repeated');
  });

  it('reports a scope that was not granted, with the grant to make', async () => {
    const org = await connect({ scopes: [...MANAGEMENT_SCOPES, 'okta.users.manage'] });
    await assert.rejects(org.getUser('alice@corp.example.com'), /invalid_scope: One or more scopes are not configured for the authorization server resource\. Grant the Okta API scopes to the service app/);
  });
});
