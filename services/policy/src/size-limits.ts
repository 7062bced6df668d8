import type { InlinePolicyTarget, PolicyKind } from './policy-kind.js';

/**
 * AWS's default policy size quotas, in characters not counting white space (IAM "does not count
 * white space when calculating the size of a policy"): managed policies 6,144; inline policies
 * 2,048 for a user, 5,120 for a group, 10,240 for a role (an aggregate per entity; here checked per
 * document, the aggregate is the IAM service's to enforce); role trust policies 2,048; session
 * policies 2,048. Resource-based policies belong to other services, each with its own quota.
 */
export function sizeLimitFor(kind: PolicyKind, inlineOn?: InlinePolicyTarget): number | undefined {
  switch (kind) {
    case 'identity':
      if (inlineOn === 'user') return 2048;
      if (inlineOn === 'group') return 5120;
      if (inlineOn === 'role') return 10240;
      return 6144;
    case 'boundary':
      return 6144;
    case 'trust':
    case 'session':
      return 2048;
    case 'resource':
      return undefined;
  }
}

/** The characters IAM counts toward a policy's size: everything except white space. */
export function countPolicyCharacters(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code !== 32 && code !== 9 && code !== 10 && code !== 13) count++;
  }
  return count;
}
