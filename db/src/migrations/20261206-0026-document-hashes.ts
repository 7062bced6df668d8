import { type Kysely, sql } from 'kysely';

/** The hash of a document's text, as the iam package computes it (`documentHash`): SHA-256 of its UTF-8 bytes, in hex. */
const hashOf = (column: string) => sql`encode(sha256(convert_to(${sql.ref(column)}, 'UTF8')), 'hex')`;

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
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`UPDATE sessions s
               SET session_policies = (SELECT jsonb_agg(p.policy - 'hash' ORDER BY p.n) FROM jsonb_array_elements(s.session_policies) WITH ORDINALITY AS p(policy, n))
             WHERE jsonb_array_length(s.session_policies) > 0`.execute(db);
  await db.schema.alterTable('roles').dropColumn('trust_policy_hash').execute();
  await db.schema.alterTable('inline_policies').dropColumn('document_hash').execute();
  await db.schema.alterTable('policy_versions').dropColumn('document_hash').execute();
}
