import { compilePolicy, type CompilePolicyResult, type PolicyKind } from '@warden/policy';

/** A policy as the store holds it: text that passed validation when it was written. */
export interface StoredDocument {
  readonly name: string;
  readonly arn?: string;
  readonly document: string;
}

/**
 * Compiles a policy document read back from the store. Every place in iam that compiles stored
 * text comes here, so that the policy package's compile of already-validated documents (native
 * JSON.parse, no second validation) replaces the validating compile in this one line. What is
 * compiled is only ever reused for the same text: the compiled-policy cache keys it by the text's
 * hash (`compiled-policy-cache.ts`).
 */
export function compileStoredDocument(stored: StoredDocument, kind: PolicyKind): CompilePolicyResult {
  return compilePolicy(stored, kind);
}
