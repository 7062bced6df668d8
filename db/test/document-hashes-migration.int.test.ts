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
});
