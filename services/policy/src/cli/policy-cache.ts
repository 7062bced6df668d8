import { compilePolicy, type CompilePolicyResult, placeCompiledPolicy } from '../compile-policy.js';
import type { PolicyKind } from '../policy-kind.js';

/** Distinct documents kept per kind and run; past that, the rest are validated and compiled each time. */
const MAX_CACHED_POLICIES = 20_000;

/**
 * Validates and compiles each distinct policy of one `warden-policy evaluate` run once. Cases of
 * one tenant repeat the same managed policies, and cases of one principal the same lists. The
 * input is read with `shareRepeats`, so a document whose text repeats is the very same object;
 * validation sees the value, as before, and the compiled statements are reported at each case's
 * own position by `placeCompiledPolicy`. A document given as a JSON string is known by its text.
 */
export class PolicyCache {
  private readonly byKind = new Map<PolicyKind, Map<unknown, CompilePolicyResult>>();

  compile(document: unknown, kind: PolicyKind, policyIndex: number): CompilePolicyResult {
    let compiled = this.byKind.get(kind);
    if (!compiled) this.byKind.set(kind, (compiled = new Map<unknown, CompilePolicyResult>()));
    let result = compiled.get(document);
    if (result === undefined) {
      result = compilePolicy(document, kind, 0);
      const cacheable = typeof document === 'string' || (typeof document === 'object' && document !== null);
      if (cacheable && compiled.size < MAX_CACHED_POLICIES) compiled.set(document, result);
    }
    if (policyIndex === 0) return result;
    return result.ok ? { ok: true, policy: placeCompiledPolicy(result.policy, policyIndex) } : { ok: false, error: { ...result.error, policyIndex } };
  }
}
