import { type InlinePolicyTarget, type PolicyKind, validatePolicy } from '@warden/policy';
import { MalformedPolicyDocumentError } from '../kernel/iam-error.js';
import { documentHash } from './validated-document-hash.js';

/**
 * Every policy document that enters the store is validated first, with the limits of where it will
 * live; a document with an error finding is refused whole, with the findings to act on. Returns the
 * SHA-256 of the validated text (`documentHash`), which the event carries and the read model keeps.
 */
export function checkPolicyDocument(document: string, kind: PolicyKind, inlineOn?: InlinePolicyTarget): string {
  if (typeof document !== 'string') throw new MalformedPolicyDocumentError('The policy document must be JSON text.');
  const result = validatePolicy(document, inlineOn ? { kind, inlineOn } : { kind });
  if (result.valid) return documentHash(document);
  const errors = result.findings.filter((finding) => finding.severity === 'error');
  const first = errors[0]!;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''})` : '';
  throw new MalformedPolicyDocumentError(`${first.message} At ${first.path}.${more}`, errors);
}
