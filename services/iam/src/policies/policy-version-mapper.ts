import type { PolicyVersionRow } from '@warden/db';
import type { PolicyVersion } from './policy-version.js';

/** A version row of the policy whose version in force is `defaultVersionId`. */
export function toPolicyVersion(row: PolicyVersionRow, defaultVersionId: string): PolicyVersion {
  return { policyId: row.policy_id, versionId: row.version_id, document: row.document, isDefaultVersion: row.version_id === defaultVersionId, createdAt: row.created_at };
}
