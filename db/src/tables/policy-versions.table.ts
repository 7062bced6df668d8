import type { Selectable } from 'kysely';

export interface PolicyVersionsTable {
  account_id: string;
  policy_id: string;
  /** `v1`, `v2`…, as AWS numbers them. */
  version_id: string;
  document: string;
  /** SHA-256 (hex) of `document` as validated when it was written (migration 0026). */
  document_hash: string;
  created_at: Date;
}

export type PolicyVersionRow = Selectable<PolicyVersionsTable>;
