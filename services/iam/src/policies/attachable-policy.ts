import type { Database } from '@warden/db';
import type { Kysely } from 'kysely';
import { InvalidInputError, NoSuchEntityError } from '../kernel/iam-error.js';
import { findAwsManagedPolicy } from '../policy-documents/aws-managed-policies.js';
import { findManagedPolicyByArn } from './managed-policy-repository.js';

/**
 * A managed policy that may be attached in this account: an AWS-managed policy, or one of the
 * account's own customer-managed policies (never another account's).
 */
export async function requireAttachablePolicy(db: Kysely<Database>, accountId: string, policyArn: string): Promise<void> {
  if (typeof policyArn !== 'string' || !policyArn.startsWith('arn:')) throw new InvalidInputError(`${JSON.stringify(policyArn)} is not a policy ARN.`);
  if (findAwsManagedPolicy(policyArn)) return;
  if (!(await findManagedPolicyByArn(db, accountId, policyArn))) throw new NoSuchEntityError(`Policy ${policyArn} does not exist or is not attachable.`);
}
