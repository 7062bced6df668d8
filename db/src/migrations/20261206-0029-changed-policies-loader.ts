import { type Kysely, sql } from 'kysely';

/**
 * What changed, for a principal's compiled set read at epoch `p_since`, among the entities it was
 * read from (`p_entities`, stream ids as `account_changes` names them), and the default version of
 * each managed policy among them that changed: the account's change epoch now, how many change
 * records there are after `p_since` (one per bump, so fewer than the epochs passed means some were
 * pruned and what changed is not known), which of `p_entities` (or the whole account, `*`) changed
 * after `p_since`, and for each changed `policy/ID` its ARN, default version id, document and hash.
 * One statement, so one snapshot: iam's `authorization/authorizer.ts` uses it to reload only the
 * policies that changed when nothing else a set was read from did, and keeps the rest of the set.
 *
 * As `warden_principal_policies` (migration 0026): a function so that it costs one round trip and
 * no transaction, taking the row-security role and the account itself for this statement; a
 * generic plan, since every filter is an equality or a range on a key.
 */
const CHANGED_POLICIES_FUNCTION = sql`
CREATE FUNCTION warden_changed_policies(p_account text, p_since int8, p_entities text[]) RETURNS json
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $fn$
BEGIN
  PERFORM set_config('role', 'warden_app', true), set_config('warden.account_id', p_account, true);
  RETURN (
  WITH changed AS (
     SELECT DISTINCT c.changed
       FROM account_changes c
      WHERE c.account_id = p_account AND c.epoch > p_since AND (c.changed = ANY (p_entities) OR c.changed = '*')
   )
   SELECT json_build_object(
     'epoch', (SELECT change_epoch::text FROM accounts WHERE account_id = p_account),
     'records', (SELECT count(*) FROM account_changes c WHERE c.account_id = p_account AND c.epoch > p_since),
     'changed', (SELECT coalesce(json_agg(changed), '[]') FROM changed),
     'managed', (SELECT coalesce(json_agg(json_build_object('arn', p.arn, 'id', p.policy_id, 'version', v.version_id, 'document', v.document, 'hash', v.document_hash)), '[]')
        FROM policies p
        JOIN policy_versions v ON v.account_id = p.account_id AND v.policy_id = p.policy_id AND v.version_id = p.default_version_id
       WHERE p.account_id = p_account AND 'policy/' || p.policy_id IN (SELECT changed FROM changed)))
  );
END
$fn$`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await CHANGED_POLICIES_FUNCTION.execute(db);
  await sql`GRANT EXECUTE ON FUNCTION warden_changed_policies(text, int8, text[]) TO warden_app`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION warden_changed_policies(text, int8, text[])`.execute(db);
}
