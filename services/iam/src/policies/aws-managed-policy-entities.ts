import { createHash } from 'node:crypto';
import { awsManagedPolicyArn } from '../kernel/arns.js';
import { nameKey } from '../naming/index.js';
import { AWS_MANAGED_POLICIES, type AwsManagedPolicy } from '../policy-documents/aws-managed-policies.js';
import type { ManagedPolicy } from './managed-policy.js';
import type { PolicyVersion } from './policy-version.js';

/**
 * AWS's managed policies date from IAM's managed policies launch (February 2015); Warden's
 * versions of them never change, so each has one version, v1, of that date.
 */
const AWS_MANAGED_POLICIES_DATE = new Date('2015-02-06T18:39:46Z');

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * An AWS-managed policy's unique id: `ANPA` and 17 base32 characters derived from its name, so
 * that every replica and every restart gives the same id (AWS's own ids are AWS's to give).
 */
function awsManagedPolicyId(name: string): string {
  const digest = createHash('sha256').update(`aws-managed-policy/${name}`).digest();
  let id = 'ANPA';
  for (let index = 0; id.length < 21; index++) id += BASE32_ALPHABET[digest[index]! % 32];
  return id;
}

function toEntity(partition: string, policy: AwsManagedPolicy): ManagedPolicy {
  return {
    accountId: 'aws',
    policyId: awsManagedPolicyId(policy.name),
    policyName: policy.name,
    path: policy.path,
    arn: awsManagedPolicyArn(partition, policy.name),
    description: policy.description,
    defaultVersionId: 'v1',
    createdAt: AWS_MANAGED_POLICIES_DATE,
    updatedAt: AWS_MANAGED_POLICIES_DATE,
  };
}

/** The AWS-managed policies as entities of the partition, in name-key order (the order ListPolicies lists them in). */
export function awsManagedPolicyEntities(partition: string): ManagedPolicy[] {
  return AWS_MANAGED_POLICIES.map((policy) => toEntity(partition, policy)).sort((a, b) => (nameKey(a.policyName) < nameKey(b.policyName) ? -1 : 1));
}

/** The AWS-managed policy `arn` names in the partition, with its one version (v1, its document), if any. */
export function findAwsManagedPolicyEntity(partition: string, arn: string): { readonly policy: ManagedPolicy; readonly version: PolicyVersion } | undefined {
  const found = AWS_MANAGED_POLICIES.find((candidate) => awsManagedPolicyArn(partition, candidate.name) === arn);
  if (!found) return undefined;
  const policy = toEntity(partition, found);
  return { policy, version: { policyId: policy.policyId, versionId: 'v1', document: found.document, isDefaultVersion: true, createdAt: AWS_MANAGED_POLICIES_DATE } };
}
