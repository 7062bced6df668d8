import type { Database } from '@warden/db';
import type { Kysely } from 'kysely';
import type { HolderKind } from './policy-holder-kind.js';

/** The managed policies attached to one holder (its id, `AIDA…`), by ARN in ARN order. */
export async function listAttachedPolicyArns(db: Kysely<Database>, accountId: string, kind: HolderKind, holderId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('policy_attachments')
    .select('policy_arn')
    .where('account_id', '=', accountId)
    .where('principal_type', '=', kind)
    .where('principal_id', '=', holderId)
    .orderBy('policy_arn')
    .execute();
  return rows.map((row) => row.policy_arn);
}

/** The inline policies of one holder, in name order. */
export async function listInlinePolicies(db: Kysely<Database>, accountId: string, kind: HolderKind, holderId: string): Promise<InlinePolicyOfHolder[]> {
  const rows = await db
    .selectFrom('inline_policies')
    .select(['policy_name', 'document'])
    .where('account_id', '=', accountId)
    .where('principal_type', '=', kind)
    .where('principal_id', '=', holderId)
    .orderBy('policy_name')
    .execute();
  return rows.map((row) => ({ policyName: row.policy_name, document: row.document }));
}

/** An inline policy of a holder, by its name as written in the holder. */
export interface InlinePolicyOfHolder {
  readonly policyName: string;
  readonly document: string;
}
