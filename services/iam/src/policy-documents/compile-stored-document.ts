import { type CompilePolicyResult, compileStoredPolicy, type PolicyKind } from '@warden/policy';

/**
 * A policy as the store holds it: text that passed validation when it was written, and the SHA-256
 * of that validated text, recorded with it (`validated-document-hash.ts`).
 */
export interface StoredDocument {
  readonly name: string;
  readonly arn?: string;
  readonly document: string;
  readonly hash: string;
}

/**
 * Compiles a policy document read back from the store, the one place in iam that compiles stored
 * text. Every document the store holds was validated by the write that stored it (the deciders
 * refuse anything else), so it is read with native JSON.parse and not validated again
 * (`compileStoredPolicy`); a text not shaped as a valid document is still refused, never guessed
 * at. It is given only text found to be the validated text (its hash is the one recorded when it
 * was written: `CompiledPolicyCache.get`, which keys what it compiles by that hash).
 */
export function compileStoredDocument(stored: StoredDocument, kind: PolicyKind): CompilePolicyResult {
  return compileStoredPolicy(stored, kind);
}
