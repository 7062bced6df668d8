import type { PolicyRow } from '@warden/db';
import type { ManagedPolicy } from './managed-policy.js';

export function toManagedPolicy(row: PolicyRow): ManagedPolicy {
  return {
    accountId: row.account_id,
    policyId: row.policy_id,
    policyName: row.policy_name,
    path: row.path,
    arn: row.arn,
    description: row.description,
    defaultVersionId: row.default_version_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
