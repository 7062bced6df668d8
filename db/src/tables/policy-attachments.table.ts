import type { Selectable } from 'kysely';

export type PrincipalType = 'user' | 'group' | 'role';

/** A managed policy (customer or AWS-managed) attached to a user, group or role. */
export interface PolicyAttachmentsTable {
  account_id: string;
  principal_type: PrincipalType;
  principal_id: string;
  policy_arn: string;
  attached_at: Date;
}

export type PolicyAttachmentRow = Selectable<PolicyAttachmentsTable>;
