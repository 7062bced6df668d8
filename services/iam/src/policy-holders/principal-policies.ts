import { countPolicyCharacters } from '@warden/policy';
import { checkPolicyDocument } from '../policy-documents/policy-document-check.js';
import { checkPolicyName } from '../naming/index.js';
import { InvalidInputError, LimitExceededError, NoSuchEntityError } from '../kernel/iam-error.js';

/**
 * What users, groups and roles share: attached managed policies (at most a quota of them) and
 * inline policies (validated with the inline limit of the entity kind).
 */
export interface PrincipalPolicies {
  readonly attached: readonly string[];
  readonly inline: Readonly<Record<string, string>>;
}

export const NO_POLICIES: PrincipalPolicies = { attached: [], inline: {} };

export function checkAttach(policies: PrincipalPolicies, policyArn: string, quota: number): boolean {
  if (policies.attached.includes(policyArn)) return false;
  if (policies.attached.length >= quota) {
    throw new LimitExceededError(`Cannot exceed quota for PoliciesPerPrincipal: ${quota}.`);
  }
  return true;
}

export function checkDetach(policies: PrincipalPolicies, policyArn: string, entity: string): void {
  if (!policies.attached.includes(policyArn)) throw new NoSuchEntityError(`Policy ${policyArn} was not found attached to ${entity}.`);
}

/** AWS's inline quotas are per entity: all its inline policies together, white space not counted. */
const INLINE_AGGREGATE_LIMITS = { user: 2048, group: 5120, role: 10240 } as const;

/** Returns the SHA-256 of the validated document (`checkPolicyDocument`). */
export function checkPutInline(policies: PrincipalPolicies, policyName: string, document: string, inlineOn: 'user' | 'group' | 'role'): string {
  const problem = checkPolicyName(policyName);
  if (problem) throw new InvalidInputError(problem);
  const documentHash = checkPolicyDocument(document, 'identity', inlineOn);
  const others = Object.entries(policies.inline).filter(([name]) => name !== policyName);
  const total = others.reduce((sum, [, text]) => sum + countPolicyCharacters(text), countPolicyCharacters(document));
  const limit = INLINE_AGGREGATE_LIMITS[inlineOn];
  if (total > limit) {
    throw new LimitExceededError(`Maximum policy size of ${limit} bytes exceeded for ${inlineOn}: its inline policies would total ${total} characters (white space not counted).`);
  }
  return documentHash;
}

export function checkDeleteInline(policies: PrincipalPolicies, policyName: string, entity: string): void {
  if (!(policyName in policies.inline)) throw new NoSuchEntityError(`The ${entity} has no inline policy named ${policyName}.`);
}

export function withAttached(policies: PrincipalPolicies, policyArn: string): PrincipalPolicies {
  return { ...policies, attached: [...policies.attached, policyArn] };
}

export function withoutAttached(policies: PrincipalPolicies, policyArn: string): PrincipalPolicies {
  return { ...policies, attached: policies.attached.filter((arn) => arn !== policyArn) };
}

export function withInline(policies: PrincipalPolicies, policyName: string, document: string): PrincipalPolicies {
  return { ...policies, inline: { ...policies.inline, [policyName]: document } };
}

export function withoutInline(policies: PrincipalPolicies, policyName: string): PrincipalPolicies {
  const inline = { ...policies.inline };
  delete inline[policyName];
  return { ...policies, inline };
}
