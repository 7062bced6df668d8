import { type CompilePolicyResult, compileStoredPolicy, type PolicyKind } from '@warden/policy';

/** A policy as the store holds it: text that passed validation when it was written. */
export interface StoredDocument {
  readonly name: string;
  readonly arn?: string;
  readonly document: string;
}

/**
 * Compiles a policy document read back from the store, the one place in iam that compiles stored
 * text. Every document the store holds was validated by the write that stored it (the deciders
 * refuse anything else), so it is read with native JSON.parse and not validated again
 * (`compileStoredPolicy`); a text not shaped as a valid document is still refused, never guessed
 * at. What is compiled is only ever reused for the same text: the compiled-policy cache keys it by
 * the text's hash (`compiled-policy-cache.ts`).
 */
export function compileStoredDocument(stored: StoredDocument, kind: PolicyKind): CompilePolicyResult {
  return compileStoredPolicy(stored, kind);
}
