import { createHash } from 'node:crypto';

/**
 * The SHA-256 of a policy document's text (its UTF-8 bytes, in hex), taken where the document is
 * validated before it is written, carried in the event and kept beside the text in the read model.
 * It is the one check that stored text read back is the text that was validated: a document is
 * never validated again when it is read, so a text changed in the store behind the events' back
 * (an edit by the store's owner, a restore mixing two backups) is refused rather than compiled.
 * Migration 0026 computes the same value in SQL, `encode(sha256(convert_to(text, 'UTF8')), 'hex')`,
 * for rows written before it.
 */
export function documentHash(document: string): string {
  return createHash('sha256').update(document, 'utf8').digest('hex');
}

/** What a stored document is called in a refusal: enough to find the row, never the text. */
export interface StoredDocumentIdentity {
  readonly accountId: string;
  /** The policy's name or ARN, as a decision names it. */
  readonly name: string;
  /** The version it was read as (compiled-policy-cache.ts's `StoredPolicy.version`). */
  readonly version: string;
}

/**
 * A stored policy document whose text is not the text whose hash was recorded when it was
 * validated. Not an IamError: the caller did nothing wrong and can do nothing about it, so the
 * client sees an unexpected error and the server logs this one, with what to look at.
 */
export class StoredDocumentMismatchError extends Error {
  constructor(
    readonly document: StoredDocumentIdentity,
    readonly recordedHash: string,
    readonly actualHash: string,
  ) {
    super(
      `The stored text of policy ${document.name} (${document.version}) in account ${document.accountId} is not the text that was validated when it was written ` +
        `(recorded SHA-256 ${recordedHash}, text's ${actualHash}): refused. Rebuild the read models from the events (warden replay) or restore the row.`,
    );
    this.name = 'StoredDocumentMismatchError';
  }
}

/** Returns when `document`'s text is the one whose hash was recorded, else throws StoredDocumentMismatchError. */
export function requireValidatedText(identity: StoredDocumentIdentity, document: string, recordedHash: string): void {
  const actual = documentHash(document);
  if (actual !== recordedHash) throw new StoredDocumentMismatchError(identity, recordedHash, actual);
}
