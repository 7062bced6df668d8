import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessDeniedError, type Caller, replayReadModels, StoredDocumentMismatchError } from '../src/index.js';
import { anotherService, DRIVERS, newAccount, openService, type ServiceUnderTest, userCaller } from './test-service.js';

const doc = (...Statement: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement });
const allow = (action: string) => doc({ Effect: 'Allow', Action: action, Resource: '*' });
/** The SHA-256 of a text in hex, computed here rather than by the code under test. */
const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
/** What a tamperer would write: a document that allows everything. */
const EVERYTHING = allow('*');

/**
 * A policy document is validated when it is written and never again when it is read back; the
 * SHA-256 of the validated text, carried in its event and kept beside the text, is the check that
 * the text read is that text. A text changed in the store by its owner (behind the events' back) is
 * refused: authorize throws StoredDocumentMismatchError, neither allowing nor evaluating the text.
 */
describe.each([...DRIVERS])('stored document hashes on %s', (driver: 'pglite' | 'postgres') => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await openService(driver);
  });
  afterAll(async () => {
    await service.wardenDb.close();
  });

  /** User u: an inline policy (s3:GetObject), a managed policy p (s3:ListBucket) attached; role r trusting u, allowed to be assumed. */
  async function tenant() {
    const { iam } = service;
    const root = await newAccount(service);
    const u = await iam.users.create(root, { userName: 'u' });
    await iam.users.putInlinePolicy(root, 'u', 'own', doc({ Effect: 'Allow', Action: ['s3:GetObject', 'sts:AssumeRole'], Resource: '*' }));
    const p = await iam.policies.create(root, { policyName: 'p', policyDocument: allow('s3:ListBucket') });
    await iam.users.attachPolicy(root, 'u', p.arn);
    const r = await iam.roles.create(root, { roleName: 'r', assumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: u.arn }, Action: 'sts:AssumeRole' }) });
    return { root, u, p, r, caller: userCaller(root.accountId, u) };
  }

  async function ask(root: Caller, principal: string, action: string, iam = service.iam) {
    const accountEpoch = await iam.core.epochs.current(root.accountId);
    return iam.authorization.authorize({ ...root, accountEpoch: accountEpoch! }, { principal, action, resource: '*' });
  }

  /** Replaces a stored text as the store's owner would (no account, no row security), leaving its recorded hash. */
  async function tamper(table: 'inline_policies' | 'policy_versions' | 'roles', accountId: string, text: string): Promise<string> {
    const column = table === 'roles' ? 'trust_policy' : 'document';
    const which = table === 'roles' ? sql`AND role_name = 'r'` : sql``;
    const { rows } = await sql<{ original: string }>`
      UPDATE ${sql.table(table)} t SET ${sql.ref(column)} = ${text}
        FROM (SELECT ${sql.ref(column)} AS original FROM ${sql.table(table)} WHERE account_id = ${accountId} ${which}) o
       WHERE t.account_id = ${accountId} ${which}
      RETURNING o.original`.execute(service.wardenDb.db);
    expect(rows).toHaveLength(1);
    return rows[0]!.original;
  }

  async function restore(table: 'inline_policies' | 'policy_versions' | 'roles', accountId: string, text: string): Promise<void> {
    const column = table === 'roles' ? 'trust_policy' : 'document';
    const which = table === 'roles' ? sql`AND role_name = 'r'` : sql``;
    await sql`UPDATE ${sql.table(table)} SET ${sql.ref(column)} = ${text} WHERE account_id = ${accountId} ${which}`.execute(service.wardenDb.db);
  }

  it('keeps, beside each stored document, the SHA-256 of the text that was validated', async () => {
    const { root, p } = await tenant();
    const db = service.wardenDb.db;
    const inline = await db.selectFrom('inline_policies').select(['document', 'document_hash']).where('account_id', '=', root.accountId).execute();
    const versions = await db.selectFrom('policy_versions').select(['document', 'document_hash']).where('account_id', '=', root.accountId).execute();
    const roles = await db.selectFrom('roles').select(['trust_policy', 'trust_policy_hash']).where('account_id', '=', root.accountId).execute();
    expect(inline).toHaveLength(1);
    expect(versions).toHaveLength(1);
    for (const row of [...inline, ...versions]) expect(row.document_hash).toBe(sha256(row.document));
    for (const row of roles) expect(row.trust_policy_hash).toBe(sha256(row.trust_policy));
    // And the event carries the same hash the read model keeps.
    const [created] = await db
      .selectFrom('events')
      .select('data')
      .where('account_id', '=', root.accountId)
      .where('stream_id', '=', `policy/${p.policyId}`)
      .where('type', '=', 'PolicyCreated')
      .execute();
    expect((created!.data as { documentHash: string }).documentHash).toBe(versions[0]!.document_hash);
  });

  it.each(['inline_policies', 'policy_versions'] as const)('refuses to authorize with a principal whose %s text was changed in the store, fresh or cached', async (table) => {
    const { root, u } = await tenant();
    // Warm: the principal's set and its policies compiled, answering as written.
    expect((await ask(root, u.arn, 's3:GetObject')).decision).toBe('allow');
    expect((await ask(root, u.arn, 'iam:DeleteUser')).decision).toBe('implicit_deny');

    const original = await tamper(table, root.accountId, EVERYTHING);
    // A service with nothing cached reads the tampered text: refused, whatever the action asked
    // about (the tampered text would allow iam:DeleteUser; the rest of the set would allow s3:GetObject).
    const fresh = anotherService(service);
    await expect(ask(root, u.arn, 'iam:DeleteUser', fresh)).rejects.toThrow(StoredDocumentMismatchError);
    await expect(ask(root, u.arn, 's3:GetObject', fresh)).rejects.toThrow(StoredDocumentMismatchError);
    // The warm service, once something makes it read the principal again (a tag on it), refuses as
    // well: the compiled policy it holds for that version is not taken for the changed text.
    await service.iam.users.tag(root, 'u', [{ key: 'team', value: 'x' }]);
    await expect(ask(root, u.arn, 'iam:DeleteUser')).rejects.toThrow(/is not the text that was validated/);

    // The text put back is the validated one again: answered as written.
    await restore(table, root.accountId, original);
    expect((await ask(root, u.arn, 'iam:DeleteUser', anotherService(service))).decision).toBe('implicit_deny');
    expect((await ask(root, u.arn, 's3:GetObject', anotherService(service))).decision).toBe('allow');
  });

  it("refuses the user's own request once its policy text was changed in the store", async () => {
    const { root, caller } = await tenant();
    const fresh = anotherService(service);
    await tamper('inline_policies', root.accountId, EVERYTHING);
    // iam:ListUsers: the tampered text would allow it, the validated one does not.
    await expect(fresh.users.list(caller, { first: 10 })).rejects.toThrow(StoredDocumentMismatchError);
  });

  it('refuses to assume a role whose trust policy text was changed, and a managed session policy whose text was changed', async () => {
    const { root, caller, r, p } = await tenant();
    const fresh = anotherService(service);
    const original = await tamper('roles', root.accountId, doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }));
    await expect(fresh.sts.assumeRole(caller, { roleArn: r.arn, roleSessionName: 'sess' })).rejects.toThrow(StoredDocumentMismatchError);
    await restore('roles', root.accountId, original);
    const assumed = await anotherService(service).sts.assumeRole(caller, { roleArn: r.arn, roleSessionName: 'sess', policyArns: [p.arn] });
    expect(assumed.credentials.accessKeyId).toMatch(/^ASIA/);

    await tamper('policy_versions', root.accountId, EVERYTHING);
    await expect(anotherService(service).sts.assumeRole(caller, { roleArn: r.arn, roleSessionName: 'sess2', policyArns: [p.arn] })).rejects.toThrow(StoredDocumentMismatchError);
  });

  it('refuses a session whose stored session policy text was changed', async () => {
    const { root, caller, r } = await tenant();
    await service.iam.roles.putInlinePolicy(root, 'r', 'role-own', allow('*'));
    const assumed = await service.iam.sts.assumeRole(caller, { roleArn: r.arn, roleSessionName: 'sess', policy: allow('s3:GetObject') });
    const session = async (iam = anotherService(service)) => {
      const resolved = await iam.credentials.resolve(assumed.credentials.accessKeyId);
      return { iam, caller: { ...resolved!.caller, requestContext: {} } };
    };
    // As issued: the session policy limits the role's '*' to s3:GetObject.
    const before = await session();
    await expect(before.iam.users.list(before.caller, { first: 10 })).rejects.toThrow(AccessDeniedError);
    await sql`UPDATE sessions SET session_policies = jsonb_set(session_policies, '{0,document}', to_jsonb(${EVERYTHING}::text)) WHERE account_id = ${root.accountId}`.execute(service.wardenDb.db);
    const after = await session();
    await expect(after.iam.users.list(after.caller, { first: 10 })).rejects.toThrow(StoredDocumentMismatchError);
  });

  it('replay rebuilds the same hashes, and takes the hash of an event written before hashes were recorded from its text', async () => {
    const { root, caller, r, p } = await tenant();
    const { iam, wardenDb } = service;
    await iam.policies.createVersion(root, p.arn, allow('s3:PutObject'), true);
    await iam.roles.updateAssumeRolePolicy(root, 'r', doc({ Effect: 'Allow', Principal: { AWS: caller.arn }, Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }));
    await iam.roles.putInlinePolicy(root, 'r', 'role-own', allow('s3:*'));
    await iam.sts.assumeRole({ ...caller, requestContext: { 'aws:SecureTransport': 'true' } }, { roleArn: r.arn, roleSessionName: 'sess', policy: allow('s3:GetObject') });
    const hashes = async () => ({
      inline: await wardenDb.db.selectFrom('inline_policies').select(['policy_name', 'document', 'document_hash']).where('account_id', '=', root.accountId).orderBy('policy_name').execute(),
      versions: await wardenDb.db.selectFrom('policy_versions').select(['version_id', 'document', 'document_hash']).where('account_id', '=', root.accountId).orderBy('version_id').execute(),
      roles: await wardenDb.db.selectFrom('roles').select(['role_name', 'trust_policy', 'trust_policy_hash']).where('account_id', '=', root.accountId).orderBy('role_name').execute(),
      sessions: await wardenDb.db.selectFrom('sessions').select(['session_policies']).where('account_id', '=', root.accountId).execute(),
    });
    const live = await hashes();
    expect(live.inline).toHaveLength(2);
    expect(live.versions).toHaveLength(2);
    expect(live.sessions[0]!.session_policies).toEqual([{ name: 'session-policy', document: allow('s3:GetObject'), hash: sha256(allow('s3:GetObject')) }]);
    for (const row of [...live.inline, ...live.versions]) expect(row.document_hash).toBe(sha256(row.document));
    for (const row of live.roles) expect(row.trust_policy_hash).toBe(sha256(row.trust_policy));

    expect((await replayReadModels(wardenDb.db, { accountId: root.accountId })).equal).toBe(true);
    expect(await hashes()).toEqual(live);

    // Events as they were written before this change: no hash in them.
    const stripped = await sql`
      UPDATE events SET data = data - 'documentHash' - 'trustPolicyHash'
        || CASE WHEN type = 'SessionIssued'
                THEN jsonb_build_object('sessionPolicies', (SELECT coalesce(jsonb_agg(p - 'hash'), '[]'::jsonb) FROM jsonb_array_elements(data->'sessionPolicies') p))
                ELSE '{}'::jsonb END
       WHERE account_id = ${root.accountId}
         AND (data ? 'documentHash' OR data ? 'trustPolicyHash' OR type = 'SessionIssued')`.execute(wardenDb.db);
    expect(Number(stripped.numAffectedRows)).toBeGreaterThanOrEqual(7);
    expect((await replayReadModels(wardenDb.db, { accountId: root.accountId })).equal).toBe(true);
    expect(await hashes()).toEqual(live);
    // And what was rebuilt still answers.
    expect((await ask(root, caller.arn, 's3:GetObject', anotherService(service))).decision).toBe('allow');
  });
});
