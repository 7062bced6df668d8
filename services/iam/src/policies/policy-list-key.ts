import { InvalidInputError } from '../kernel/iam-error.js';
import { nameKey } from '../naming/index.js';
import type { ListedPolicy } from './managed-policy.js';

/**
 * Where a policy stands in ListPolicies' order (the AWS-managed policies, then the account's, each
 * by name key): `aws/` or `local/` and its name key. Both fronts page by it.
 */
export function policyListKey(policy: ListedPolicy): string {
  return `${policy.awsManaged ? 'aws' : 'local'}/${nameKey(policy.policyName)}`;
}

export function parsePolicyListKey(key: string | null): { awsManaged: boolean; nameKey: string } | null {
  if (key === null) return null;
  const match = /^(aws|local)\/(.+)$/.exec(key);
  if (!match) throw new InvalidInputError('The list position does not continue a policy list: start again without one.');
  return { awsManaged: match[1] === 'aws', nameKey: match[2]! };
}
