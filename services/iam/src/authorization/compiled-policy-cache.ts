import type { CompiledPolicy, PolicyKind } from '@warden/policy';
import type { IamObserver } from '../kernel/iam-observer.js';
import { compileStoredDocument, type StoredDocument } from '../policy-documents/compile-stored-document.js';
import { requireValidatedText } from '../policy-documents/validated-document-hash.js';

/**
 * A stored policy and what names its version: a customer managed policy's ARN, id and version id;
 * an AWS managed policy's ARN; an inline policy's owner (`user/AIDA…`, `group/…`, `role/…`) and
 * name; a trust policy's role.
 */
export interface StoredPolicy extends StoredDocument {
  readonly version: string;
  /** A customer managed policy's id (its stream is `policy/ID`): a change to it replaces it in a set (`loadChangedPolicies`). */
  readonly policyId?: string;
}

/** Compiled policies kept, across all principals and accounts; the least recently used go first. */
const MAX_CACHED_POLICIES = 20_000;

/**
 * Compiled stored policies, by account, kind, version and the SHA-256 of the validated text: one
 * policy version is compiled once however many principals use it, and a compiled policy is only
 * ever reused for the very text it was compiled from (a policy deleted and created again under the
 * same ARN starts again at v1, with other text). Every stored text read back passes through `get`,
 * which first requires it to be the text that was validated (its hash, taken now, equal to the one
 * recorded when it was written): a text changed in the store is a StoredDocumentMismatchError, never
 * compiled and never answered from what was compiled for the validated text. A stored policy that
 * does not compile is `undefined`. The observer is told of every compile (tests count them).
 */
export class CompiledPolicyCache {
  private readonly compiled = new Map<string, CompiledPolicy | null>();

  constructor(private readonly observer: Pick<IamObserver, 'cache'>) {}

  get(accountId: string, policy: StoredPolicy, kind: PolicyKind): CompiledPolicy | undefined {
    requireValidatedText({ accountId, name: policy.name, version: policy.version }, policy.document, policy.hash);
    const key = `${accountId}|${kind}|${policy.version}|${policy.name}|${policy.hash}`;
    const cached = this.compiled.get(key);
    if (cached !== undefined) {
      // Moved to the end: the map's order is the order of use.
      this.compiled.delete(key);
      this.compiled.set(key, cached);
      this.observer.cache('compiled-policies', 'hit');
      return cached ?? undefined;
    }
    this.observer.cache('compiled-policies', 'miss');
    const result = compileStoredDocument(policy, kind);
    const entry = result.ok ? result.policy : null;
    if (this.compiled.size >= MAX_CACHED_POLICIES) this.compiled.delete(this.compiled.keys().next().value!);
    this.compiled.set(key, entry);
    return entry ?? undefined;
  }
}
