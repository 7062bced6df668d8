import { type Kysely, sql } from 'kysely';

/** The hash of a document's text, as the iam package computes it (`documentHash`): SHA-256 of its UTF-8 bytes, in hex. */
const hashOf = (column: string) => sql`encode(sha256(convert_to(${sql.ref(column)}, 'UTF8')), 'hex')`;

/**
 * What decides a principal's permissions, read in one statement and so in one snapshot: the user's
 * or role's row (by id, or by ARN), its groups, the attached managed policies' default versions
 * (its own and its groups', in order of first attachment), the inline policies (its own and its
 * groups'), its boundary, each document with its hash, and the account's change epoch; for a group
 * (by id), its own. One JSON value (iam's `authorization/principal-policy-loader.ts` reads it).
 *
 * A function so that a miss costs one round trip and no transaction: it takes the row-security
 * role and the account itself (`set_config(…, true)`: until the end of the transaction, which
 * outside one is this statement alone), so every table it reads is filtered by row security as in
 * `inAccountTransaction`, besides its own filters on the account. PL/pgSQL keeps the statement's
 * plan for the connection, as a prepared statement would; a generic one from the first call, since
 * every filter is an equality on a key and planning a statement of this size costs more than
 * running it (on the embedded store several times more).
 */
const PRINCIPAL_POLICIES_FUNCTION = sql`
CREATE FUNCTION warden_principal_policies(p_account text, p_type text, p_id text, p_arn text) RETURNS json
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $fn$
BEGIN
  PERFORM set_config('role', 'warden_app', true), set_config('warden.account_id', p_account, true);
  RETURN (
  WITH principal AS (
     SELECT 'user'::text AS type, u.user_id AS id, to_jsonb(u) AS row, u.permissions_boundary_arn AS boundary
       FROM users u
      WHERE p_type = 'user' AND u.account_id = p_account
        AND u.user_id = coalesce(p_id, (SELECT x.user_id FROM users x WHERE x.account_id = p_account AND x.arn = p_arn))
     UNION ALL
     SELECT 'role', r.role_id, to_jsonb(r), r.permissions_boundary_arn
       FROM roles r
      WHERE p_type = 'role' AND r.account_id = p_account
        AND r.role_id = coalesce(p_id, (SELECT x.role_id FROM roles x WHERE x.account_id = p_account AND x.arn = p_arn))
     UNION ALL
     SELECT 'group', p_id, NULL, NULL WHERE p_type = 'group'
   ), owners AS (
     SELECT type AS owner_type, id AS owner_id FROM principal
     UNION ALL
     SELECT 'group', m.group_id
       FROM group_memberships m
       JOIN groups g ON g.account_id = m.account_id AND g.group_id = m.group_id
       JOIN principal p ON p.type = 'user' AND m.user_id = p.id
      WHERE m.account_id = p_account
   ), attachments AS (
     SELECT a.principal_type, a.principal_id, a.policy_arn, a.attached_at
       FROM policy_attachments a
       JOIN owners o ON a.principal_type = o.owner_type AND a.principal_id = o.owner_id
      WHERE a.account_id = p_account
   )
   SELECT json_build_object(
     'epoch', (SELECT change_epoch::text FROM accounts WHERE account_id = p_account),
     'principal', (SELECT row FROM principal WHERE type <> 'group'),
     'groups', (SELECT coalesce(json_agg(owner_id), '[]') FROM owners WHERE owner_type = 'group' AND p_type = 'user'),
     'attached', (SELECT coalesce(json_agg(json_build_object('owner_type', principal_type, 'owner_id', principal_id, 'arn', policy_arn) ORDER BY attached_at, policy_arn), '[]') FROM attachments),
     'inline', (SELECT coalesce(json_agg(json_build_object('owner_type', i.principal_type, 'owner_id', i.principal_id, 'name', i.policy_name, 'document', i.document, 'hash', i.document_hash) ORDER BY i.policy_name), '[]')
        FROM inline_policies i
        JOIN owners o ON i.principal_type = o.owner_type AND i.principal_id = o.owner_id
       WHERE i.account_id = p_account),
     'managed', (SELECT coalesce(json_agg(json_build_object('arn', p.arn, 'id', p.policy_id, 'version', v.version_id, 'document', v.document, 'hash', v.document_hash)), '[]')
        FROM policies p
        JOIN policy_versions v ON v.account_id = p.account_id AND v.policy_id = p.policy_id AND v.version_id = p.default_version_id
       WHERE p.account_id = p_account
         AND (p.arn IN (SELECT policy_arn FROM attachments) OR p.arn = (SELECT boundary FROM principal WHERE type <> 'group'))))
  );
END
$fn$`;

/**
 * Beside every stored policy document, the SHA-256 of the text that was validated when it was
 * written (managed policy versions, inline policies, roles' trust policies, and each of a session's
 * session policies, as a `hash` next to its `document`). A document is never validated again when
 * it is read back; the hash is the check that the text read is that text. Rows written before this
 * migration were each validated by the write that stored them, so their hash is taken from their
 * text here.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [table, text, hash] of [
    ['policy_versions', 'document', 'document_hash'],
    ['inline_policies', 'document', 'document_hash'],
    ['roles', 'trust_policy', 'trust_policy_hash'],
  ] as const) {
    await db.schema.alterTable(table).addColumn(hash, 'text').execute();
    await sql`UPDATE ${sql.table(table)} SET ${sql.ref(hash)} = ${hashOf(text)}`.execute(db);
    await db.schema
      .alterTable(table)
      .alterColumn(hash, (col) => col.setNotNull())
      .execute();
  }
  await sql`UPDATE sessions s
               SET session_policies = (SELECT jsonb_agg(p.policy || jsonb_build_object('hash', encode(sha256(convert_to(p.policy->>'document', 'UTF8')), 'hex')) ORDER BY p.n)
                                         FROM jsonb_array_elements(s.session_policies) WITH ORDINALITY AS p(policy, n))
             WHERE jsonb_array_length(s.session_policies) > 0`.execute(db);
  await PRINCIPAL_POLICIES_FUNCTION.execute(db);
  await sql`GRANT EXECUTE ON FUNCTION warden_principal_policies(text, text, text, text) TO warden_app`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION warden_principal_policies(text, text, text, text)`.execute(db);
  await sql`UPDATE sessions s
               SET session_policies = (SELECT jsonb_agg(p.policy - 'hash' ORDER BY p.n) FROM jsonb_array_elements(s.session_policies) WITH ORDINALITY AS p(policy, n))
             WHERE jsonb_array_length(s.session_policies) > 0`.execute(db);
  await db.schema.alterTable('roles').dropColumn('trust_policy_hash').execute();
  await db.schema.alterTable('inline_policies').dropColumn('document_hash').execute();
  await db.schema.alterTable('policy_versions').dropColumn('document_hash').execute();
}
