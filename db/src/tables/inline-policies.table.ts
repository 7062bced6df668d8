import type { Selectable } from 'kysely';
import type { PrincipalType } from './policy-attachments.table.js';

export interface InlinePoliciesTable {
  account_id: string;
  principal_type: PrincipalType;
  principal_id: string;
  policy_name: string;
  document: string;
  /** SHA-256 (hex) of `document` as validated when it was written (migration 0026). */
  document_hash: string;
  updated_at: Date;
}

export type InlinePolicyRow = Selectable<InlinePoliciesTable>;
