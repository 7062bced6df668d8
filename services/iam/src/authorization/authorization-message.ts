import type { SecretCipher } from '../keyring/live-keyring.js';
import { InvalidInputError } from '../iam-error.js';

/**
 * AWS's encoded authorization messages: a denial carries the whole decision, encrypted under the
 * keyring and bound to the account, so that the caller who was denied learns only that it was,
 * while a principal of the account allowed sts:DecodeAuthorizationMessage can see why.
 */
export interface AuthorizationMessage {
  readonly allowed: boolean;
  readonly explicitDeny: boolean;
  readonly matchedStatements: readonly unknown[];
  readonly context: { readonly principal: string; readonly action: string; readonly resource: string; readonly conditions: Readonly<Record<string, unknown>> };
  readonly time: string;
}

function contextFor(accountId: string): string {
  return `authorization-message:${accountId}`;
}

export function encodeAuthorizationMessage(keyring: SecretCipher, accountId: string, message: AuthorizationMessage): string {
  const encrypted = keyring.encrypt(JSON.stringify(message), contextFor(accountId));
  return Buffer.from(JSON.stringify(encrypted)).toString('base64url');
}

export function decodeAuthorizationMessage(keyring: SecretCipher, accountId: string, encoded: string): AuthorizationMessage {
  try {
    const encrypted = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    return JSON.parse(keyring.decrypt(encrypted, contextFor(accountId))) as AuthorizationMessage;
  } catch {
    throw new InvalidInputError('The message is not a valid encoded authorization message of this account.');
  }
}
