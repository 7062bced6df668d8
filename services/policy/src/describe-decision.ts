import type { EvaluationResult, PolicySource } from './evaluation-result.js';

/**
 * The decision in a sentence, in the words of AWS's access-denied messages ("User: ARN is not
 * authorized to perform: ACTION on resource: ARN because no identity-based policy allows the ACTION
 * action"), so that a denial explains itself.
 */
export interface DescribedRequest {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
}

function policyTypeName(source: PolicySource, resourcePolicyIsTrust: boolean): string {
  switch (source) {
    case 'identity':
      return 'identity-based policy';
    case 'resource':
      return resourcePolicyIsTrust ? 'role trust policy' : 'resource-based policy';
    case 'boundary':
      return 'permissions boundary';
    case 'session':
      return 'session policy';
  }
}

function article(noun: string): string {
  return /^[aeiou]/.test(noun) ? 'an' : 'a';
}

export function describeDecision(request: DescribedRequest, result: EvaluationResult, resourcePolicyIsTrust = false): string {
  const subject = `User: ${request.principal}`;
  const attempt = `${request.action} on resource: ${request.resource}`;
  const reason = result.reason;
  switch (reason.kind) {
    case 'allowed': {
      const types = [...new Set(result.matched.map((statement) => policyTypeName(statement.source, resourcePolicyIsTrust)))];
      return `${subject} is authorized to perform: ${attempt}, allowed by ${joinAnd(types)}`;
    }
    case 'explicit_deny': {
      const type = policyTypeName(reason.policyType, resourcePolicyIsTrust);
      const where = reason.policyType === 'resource' && resourcePolicyIsTrust ? `the ${type}` : `${article(type)} ${type}`;
      return `${subject} is not authorized to perform: ${attempt} with an explicit deny in ${where}`;
    }
    case 'implicit_deny':
      return `${subject} is not authorized to perform: ${attempt} because no ${policyTypeName(reason.policyType, resourcePolicyIsTrust)} allows the ${request.action} action`;
    case 'invalid_request':
      return `The request could not be evaluated: ${reason.message}`;
  }
}

function joinAnd(items: readonly string[]): string {
  const named = items.map((item) => `${article(item)} ${item}`);
  if (named.length <= 1) return named[0] ?? 'a policy';
  return `${named.slice(0, -1).join(', ')} and ${named[named.length - 1]}`;
}
