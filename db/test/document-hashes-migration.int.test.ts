import { createHash } from 'node:crypto';
import { Migrator, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createDb, migrateToLatest } from '../src/index.js';
import { MIGRATIONS } from '../src/migrations/index.js';

/** The SHA-256 of a text's UTF-8 bytes in hex, as the iam package records it for a validated document. */
const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

const doc = (action: string, sid: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: sid, Effect: 'Allow', Action: action, Resource: '*' }] });

describe('migration 0026, document hashes', () => {
  it('gives every document stored before it the SHA-256 of its text, as the iam package computes it (non-ASCII text too)', async () => {
    const wardenDb = await createDb({ dataDir: 'memory' });
    try {
      const db = wardenDb.db;
      const before = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name < '20261206-0026'));
      const migrated = await new Migrator({ db, provider: { getMigrations: () => Promise.resolve(before) } }).migrateToLatest();
      expect(migrated.error).toBeUndefined();

      // Written before the migration: texts with characters of one to four UTF-8 bytes.
      const version = doc('s3:GetObject', 'Café');
      const inline = doc('s3:ListBucket', 'Zürich東京');
      const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Rocket🚀', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
      const session = [
        { name: 'session-policy', document: doc('s3:*', 'Ünïcode') },
        { name: 'arn:aws:iam::111122223333:policy/p', document: doc('s3:PutObject', 'plain') },
      ];
      const now = new Date();
      await sql`INSERT INTO policy_versions (account_id, policy_id, version_id, document, created_at) VALUES ('111122223333', 'ANPA1', 'v1', ${version}, ${now})`.execute(db);
      await sql`INSERT INTO inline_policies (account_id, principal_type, principal_id, policy_name, document, updated_at) VALUES ('111122223333', 'user', 'AIDA1', 'own', ${inline}, ${now})`.execute(
        db,
      );
      await sql`INSERT INTO roles (account_id, role_id, role_name, role_name_key, path, arn, trust_policy, max_session_duration, created_at)
                VALUES ('111122223333', 'AROA1', 'r', 'r', '/', 'arn:aws:iam::111122223333:role/r', ${trust}, 3600, ${now})`.execute(db);
      for (const [id, policies] of [
        ['s1', session],
        ['s2', []],
      ] as const) {
        await sql`INSERT INTO sessions (account_id, session_id, access_key_id, kind, principal_arn, session_name, tags, session_policies, secret, token_hash, mfa_authenticated, chained, issued_at, expires_at)
                  VALUES ('111122223333', ${id}, ${`ASIA${id}`}, 'assumed-role', 'arn:aws:sts::111122223333:assumed-role/r/s', 's', '[]', ${JSON.stringify(policies)}, '{}', 'h', false, false, ${now}, ${now})`.execute(
          db,
        );
      }

      await migrateToLatest(db);

      expect(await db.selectFrom('policy_versions').select('document_hash').execute()).toEqual([{ document_hash: sha256(version) }]);
      expect(await db.selectFrom('inline_policies').select('document_hash').execute()).toEqual([{ document_hash: sha256(inline) }]);
      expect(await db.selectFrom('roles').select('trust_policy_hash').execute()).toEqual([{ trust_policy_hash: sha256(trust) }]);
      const sessions = await db.selectFrom('sessions').select(['session_id', 'session_policies']).orderBy('session_id').execute();
      expect(sessions).toEqual([
        { session_id: 's1', session_policies: session.map((policy) => ({ ...policy, hash: sha256(policy.document) })) },
        { session_id: 's2', session_policies: [] },
      ]);
      // Required from now on: a row without its hash is refused by the store.
      await expect(sql`INSERT INTO policy_versions (account_id, policy_id, version_id, document, created_at) VALUES ('111122223333', 'ANPA1', 'v2', ${version}, ${now})`.execute(db)).rejects.toThrow(
        /document_hash/,
      );
    } finally {
      await wardenDb.close();
    }
  });

  it("warden_principal_policies reads under the account's row security, only that account's rows, and leaves the connection as it found it", async () => {
    const wardenDb = await createDb({ dataDir: 'memory' });
    try {
      const db = wardenDb.db;
      await migrateToLatest(db);
      const now = new Date();
      for (const account of ['111111111111', '222222222222']) {
        await sql`INSERT INTO accounts (account_id, name, change_epoch, created_at) VALUES (${account}, ${account}, 7, ${now})`.execute(db);
        await sql`INSERT INTO users (account_id, user_id, user_name, user_name_key, path, arn, created_at)
                  VALUES (${account}, ${`AIDA${account}`}, 'u', 'u', '/', ${`arn:aws:iam::${account}:user/u`}, ${now})`.execute(db);
        await sql`INSERT INTO inline_policies (account_id, principal_type, principal_id, policy_name, document, document_hash, updated_at)
                  VALUES (${account}, 'user', ${`AIDA${account}`}, ${`own-${account}`}, '{}', ${sha256('{}')}, ${now})`.execute(db);
      }
      const load = async (account: string, id: string | null, arn: string | null) =>
        (
          await sql<{
            loaded: { epoch: string; principal: { user_id: string } | null; inline: { name: string; hash: string }[] };
          }>`SELECT warden_principal_policies(${account}, 'user', ${id}, ${arn}) AS loaded`.execute(db)
        ).rows[0]!.loaded;
      const own = await load('111111111111', 'AIDA111111111111', null);
      expect(own.epoch).toBe('7');
      expect(own.principal?.user_id).toBe('AIDA111111111111');
      expect(own.inline).toEqual([{ owner_type: 'user', owner_id: 'AIDA111111111111', name: 'own-111111111111', document: '{}', hash: sha256('{}') }]);
      expect((await load('111111111111', null, 'arn:aws:iam::111111111111:user/u')).principal?.user_id).toBe('AIDA111111111111');
      // Another account's user, by id or by ARN, is not found from this account.
      for (const other of [await load('111111111111', 'AIDA222222222222', null), await load('111111111111', null, 'arn:aws:iam::222222222222:user/u')]) {
        expect(other.principal).toBeNull();
        expect(other.inline).toEqual([]);
      }
      // Row security itself, not only the function's filters: inside it, the role and the account are set.
      const inside = await sql<{
        who: string;
        account: string;
      }>`SELECT current_user AS who, current_setting('warden.account_id', true) AS account FROM (SELECT warden_principal_policies('111111111111', 'user', 'AIDA111111111111', NULL)) f`.execute(db);
      expect(inside.rows[0]).toEqual({ who: 'warden_app', account: '111111111111' });
      // Outside a transaction the settings end with the statement: the connection is the owner's again.
      const after = await sql<{
        who: string;
        account: string | null;
        users: number;
      }>`SELECT current_user AS who, current_setting('warden.account_id', true) AS account, (SELECT count(*)::int FROM users) AS users`.execute(db);
      expect(after.rows[0]).toMatchObject({ who: 'postgres', users: 2 });
      expect(after.rows[0]!.account ?? '').toBe('');
    } finally {
      await wardenDb.close();
    }
  });
});
