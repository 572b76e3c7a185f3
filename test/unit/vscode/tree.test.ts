/** The Connections tree's rows on plain Node: what each says, its icon, its menus and its children. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Check } from '../../../src/okta/checks';
import { childRows, type Row, rootRows, type SecretKind, tokenRowOf, type TreeInput } from '../../../src/vscode/model/tree';
import type { RecentToken } from '../../../src/vscode/model/tokens';
import { CLIENT_ID, NOW, USER_ID } from '../fixtures';
import { connection } from './helpers';

function input(overrides: Partial<TreeInput> = {}): TreeInput {
  return {
    connections: [
      connection({ name: 'Acme', group: 'FinanceUsers', humans: [{ id: USER_ID, email: 'alice@corp.example.com' }] }),
      connection({ name: 'Keys', orgUrl: 'http://127.0.0.1:8080', authMethod: 'private_key_jwt' }),
    ],
    active: 'Acme',
    sandbox: { connection: 'Keys', running: false },
    secrets: new Map<string, ReadonlySet<SecretKind>>([['Acme', new Set<SecretKind>(['clientSecret'])]]),
    doctor: new Map(),
    tokens: [],
    now: NOW,
    ...overrides,
  };
}

const child = (parent: Row, label: string, given = input()) => {
  const found = childRows(parent, given).find((row) => row.label === label);
  assert.ok(found, `no "${label}" under ${parent.label}`);
  return found;
};

describe('the Connections tree', () => {
  it('lists the connections, the active one marked and open, the sandbox\'s with its state', () => {
    const [acme, keys] = rootRows(input());
    assert.deepEqual([acme?.label, acme?.description, acme?.icon, acme?.contextValue, acme?.expandable], ['Acme', 'active · dev-123456.okta.com', 'star-full', 'connection.active', 'expanded']);
    assert.deepEqual([keys?.label, keys?.description, keys?.icon, keys?.contextValue, keys?.expandable], ['Keys', 'sandbox stopped · 127.0.0.1:8080', 'beaker', 'connection.sandbox', 'collapsed']);
    assert.equal(rootRows(input({ sandbox: { connection: 'Keys', running: true } }))[1]?.contextValue, 'connection.sandbox.running');
    assert.deepEqual(rootRows(input({ connections: [] })), []);
  });

  it('under a connection: server, scopes, agent app, API token, humans, doctor, recent tokens', () => {
    const [acme] = rootRows(input());
    assert.ok(acme);
    const rows = childRows(acme, input());
    assert.deepEqual(rows.map((row) => row.label), ['Authorization server', 'Scopes', 'Agent app', 'Management API token', 'Humans', 'Doctor', 'Recent tokens']);
    assert.ok(rows.every((row) => row.parentId === acme.id));
    assert.deepEqual(childRows(child(acme, 'Authorization server'), input()).map((row) => [row.label, row.description]), [
      ['Issuer', 'https://dev-123456.okta.com/oauth2/aus1b2c3d4e5f6g7h8i9'],
      ['Token endpoint', 'https://dev-123456.okta.com/oauth2/aus1b2c3d4e5f6g7h8i9/v1/token'],
      ['Audience', "not set (tokens carry the server's)"],
    ]);
    assert.deepEqual(childRows(child(acme, 'Agent app'), input()).map((row) => [row.label, row.description, row.contextValue]), [
      ['Client id', CLIENT_ID, 'info'],
      ['Authentication', 'client_secret_jwt', 'info'],
      ['Client secret', 'stored', 'secret.stored'],
    ]);
    assert.equal(child(acme, 'Management API token').contextValue, 'secret.missing');
    assert.deepEqual(childRows(child(acme, 'Humans'), input()).map((row) => [row.label, row.description, row.contextValue, row.ref.human]), [['alice@corp.example.com', USER_ID, 'human', USER_ID]]);
    assert.equal(child(acme, 'Humans').description, '1 saved · approved by FinanceUsers');
  });

  it('a private_key_jwt agent shows its key id (or how to make one) and its private key', () => {
    const keys = rootRows(input())[1];
    assert.ok(keys);
    assert.deepEqual(childRows(child(keys, 'Agent app'), input()).map((row) => [row.label, row.description]), [
      ['Client id', CLIENT_ID],
      ['Authentication', 'private_key_jwt'],
      ['Key id', 'none: Generate Key Pair makes one'],
      ['Private key', 'not stored'],
    ]);
  });

  it('the doctor\'s last run: a row per check with its icon; a failure opens to why, fix and guide step', () => {
    const checks: Check[] = [
      { id: 'server-exists', title: 'Authorization server exists', status: 'pass', detail: 'AGBAC-AS' },
      { id: 'scopes', title: 'Scopes exist', status: 'fail', detail: 'missing: finance.read', why: 'Okta answers invalid_scope.', fix: 'Add the scope.', guideStep: 'Step 2' },
      { id: 'probe', title: 'Live token request', status: 'skip', detail: 'no secret' },
    ];
    const given = input({ doctor: new Map([['Acme', { checks, at: NOW - 120 }]]) });
    const acme = rootRows(given)[0];
    assert.ok(acme);
    const doctor = child(acme, 'Doctor', given);
    assert.deepEqual([doctor.description, doctor.iconColor, doctor.contextValue, doctor.expandable], ['1 passed, 1 failed, 1 skipped · 2 min ago', 'testing.iconFailed', 'doctor.failed', 'expanded']);
    const rows = childRows(doctor, given);
    assert.deepEqual(rows.map((row) => [row.label, row.icon, row.expandable]), [
      ['Authorization server exists', 'pass', 'no'],
      ['Scopes exist', 'error', 'collapsed'],
      ['Live token request', 'circle-slash', 'no'],
    ]);
    assert.equal(rows[1]?.description, 'Step 2 · missing: finance.read');
    assert.deepEqual(childRows(rows[1], given).map((row) => [row.label, row.description]), [['Why', 'Okta answers invalid_scope.'], ['Fix', 'Add the scope.'], ['Guide', 'Step 2']]);
    assert.equal(child(acme, 'Doctor').description, 'not run');
  });

  it('recent tokens: who and what, the decision and a countdown; a click inspects by id', () => {
    const token: RecentToken = { id: 'tok-1', source: 'request', token: 'eyJ.x.y', connection: 'Acme', human: { id: USER_ID, email: 'alice@corp.example.com' }, scopes: ['finance.read'], assertion: undefined, receivedAt: NOW - 10, expiresAt: NOW + 125 };
    const given = input({ tokens: [token] });
    const acme = rootRows(given)[0];
    assert.ok(acme);
    assert.equal(child(acme, 'Recent tokens', given).description, '1 in memory');
    const [row] = childRows(child(acme, 'Recent tokens', given), given);
    assert.deepEqual([row?.label, row?.description, row?.contextValue], ['alice@corp.example.com · finance.read', 'not verified · expires in 2:05', 'token.unverified']);
    assert.deepEqual(row?.command, { command: 'agbac.inspectToken', title: 'Inspect Token', args: [{ tokenId: 'tok-1' }] });
    assert.ok(!JSON.stringify(row).includes('eyJ.x.y'), 'a row holds the token');
    const later = tokenRowOf(token, NOW + 200);
    assert.deepEqual([later.id, later.description, later.parentId], [row?.id, 'not verified · expired', 'c:Acme/tokens']);
  });
});
