import { asPrepared, type Database, type StoredEvent } from '@warden/db';
import type { Transaction } from 'kysely';
import { withoutTagKeys, withTags } from '../naming/index.js';
import type { HolderKind, TaggedHolderKind } from './policy-holder-kind.js';
import { documentHash } from '../policy-documents/validated-document-hash.js';
import { isNamedPolicyEvent, isNamedTagAndBoundaryEvent, isPolicyEvent, type PolicyEvent, type TagAndBoundaryEvent } from './policy-holder.events.js';

/** The read model of each tagged holder kind, whose row keeps its tags and permissions boundary. */
const TAGGED_HOLDER_ROWS = { user: { table: 'users', id: 'user_id' }, role: { table: 'roles', id: 'role_id' } } as const;

/**
 * A holder's policy events, in the read models every kind shares: `policy_attachments` and
 * `inline_policies`, keyed by the kind and the holder's id (its stream's, `user/AIDA…`).
 */
export async function projectPolicyEvent<K extends HolderKind>(trx: Transaction<Database>, kind: K, stored: StoredEvent, event: PolicyEvent<K>): Promise<void> {
  const holder = { account_id: stored.accountId, principal_type: kind, principal_id: holderIdOf(kind, stored) };
  const at = stored.occurredAt;
  const heldIn = (table: 'policy_attachments' | 'inline_policies') =>
    trx.deleteFrom(table).where('account_id', '=', holder.account_id).where('principal_type', '=', kind).where('principal_id', '=', holder.principal_id);
  if (isNamedPolicyEvent(kind, event, 'policyAttached')) {
    await trx
      .insertInto('policy_attachments')
      .values({ ...holder, policy_arn: event.data.policyArn, attached_at: at })
      .execute();
  } else if (isNamedPolicyEvent(kind, event, 'policyDetached')) {
    await heldIn('policy_attachments').where('policy_arn', '=', event.data.policyArn).execute();
  } else if (isNamedPolicyEvent(kind, event, 'inlinePolicyPut')) {
    // An event written before hashes were recorded: its text was validated when it was written.
    const { document } = event.data;
    const hash = event.data.documentHash ?? documentHash(document);
    await trx
      .insertInto('inline_policies')
      .values({ ...holder, policy_name: event.data.policyName, document, document_hash: hash, updated_at: at })
      .onConflict((oc) => oc.columns(['account_id', 'principal_type', 'principal_id', 'policy_name']).doUpdateSet({ document, document_hash: hash, updated_at: at }))
      .execute();
  } else if (isNamedPolicyEvent(kind, event, 'inlinePolicyDeleted')) {
    await heldIn('inline_policies').where('policy_name', '=', event.data.policyName).execute();
  } else {
    const _exhaustive: never = event;
    return _exhaustive;
  }
}

/** A user's or a role's holder events: its policies as every holder's, its tags and boundary on its own row. */
export async function projectTaggedHolderEvent<K extends TaggedHolderKind>(trx: Transaction<Database>, kind: K, stored: StoredEvent, event: PolicyEvent<K> | TagAndBoundaryEvent<K>): Promise<void> {
  if (isPolicyEvent(kind, event)) return projectPolicyEvent(trx, kind, stored, event);
  const { table, id }: (typeof TAGGED_HOLDER_ROWS)[TaggedHolderKind] = TAGGED_HOLDER_ROWS[kind];
  const accountId = stored.accountId;
  const holderId = holderIdOf(kind, stored);
  const row = () => trx.updateTable(table).where('account_id', '=', accountId).where(id, '=', holderId);
  if (isNamedTagAndBoundaryEvent(kind, event, 'tagged') || isNamedTagAndBoundaryEvent(kind, event, 'untagged')) {
    // Both prepared (one text per table): tagging is the commonest write there is.
    const read = trx.selectFrom(table).select('tags').where('account_id', '=', accountId).where(id, '=', holderId).compile();
    const [found] = (await trx.executeQuery(asPrepared(`warden_${table}_tags`, read))).rows;
    if (!found) throw new Error(`projection: no ${kind} row for ${stored.streamId}`);
    const changed = isNamedTagAndBoundaryEvent(kind, event, 'tagged') ? withTags(found.tags, event.data.tags) : withoutTagKeys(found.tags, event.data.tagKeys);
    await trx.executeQuery(
      asPrepared(
        `warden_${table}_set_tags`,
        row()
          .set({ tags: JSON.stringify(changed) })
          .compile(),
      ),
    );
  } else if (isNamedTagAndBoundaryEvent(kind, event, 'permissionsBoundaryPut')) {
    await row().set({ permissions_boundary_arn: event.data.policyArn }).execute();
  } else if (isNamedTagAndBoundaryEvent(kind, event, 'permissionsBoundaryDeleted')) {
    await row().set({ permissions_boundary_arn: null }).execute();
  } else {
    const _exhaustive: never = event;
    return _exhaustive;
  }
}

function holderIdOf(kind: HolderKind, stored: StoredEvent): string {
  return stored.streamId.slice(`${kind}/`.length);
}
