import { describeDecision, type DescribedRequest, type EvaluationResult } from '@warden/policy';
import type { EncryptedSecret } from '../crypto/keyring.js';
import type { SecretCipher } from '../keyring/live-keyring.js';
import { AccessDeniedError, type Denial, InvalidInputError } from '../kernel/iam-error.js';

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

function isEncryptedSecret(value: unknown): value is EncryptedSecret {
  if (value === null || typeof value !== 'object') return false;
  const fields: Partial<Record<keyof EncryptedSecret, unknown>> = value;
  return typeof fields.keyId === 'string' && typeof fields.iv === 'string' && typeof fields.ciphertext === 'string' && typeof fields.tag === 'string';
}

function contextFor(accountId: string): string {
  return `authorization-message:${accountId}`;
}

export function encodeAuthorizationMessage(keyring: SecretCipher, accountId: string, message: AuthorizationMessage): string {
  const encrypted = keyring.encrypt(JSON.stringify(message), contextFor(accountId));
  return Buffer.from(JSON.stringify(encrypted)).toString('base64url');
}

/**
 * The one way an AccessDeniedError is made from a decision: AWS's sentence for it, and the decision
 * in full (the request, the context it was evaluated with, the deciding statements) encoded for
 * sts:DecodeAuthorizationMessage. Whichever path decided, from the cache or from the database, the
 * caller gets the same error.
 */
export function accessDenied(
  keyring: SecretCipher,
  accountId: string,
  request: DescribedRequest,
  result: EvaluationResult,
  conditions: Readonly<Record<string, unknown>>,
  now: Date,
  resourcePolicyIsTrust = false,
  /** The IAM principal whose policies decided, when it is not `request.principal` itself (a session's role or user). */
  principalArn?: string,
): AccessDeniedError {
  const message = encodeAuthorizationMessage(keyring, accountId, {
    allowed: false,
    explicitDeny: result.decision === 'explicit_deny',
    matchedStatements: result.matched,
    context: { principal: request.principal, action: request.action, resource: request.resource, conditions },
    time: now.toISOString(),
  });
  return new AccessDeniedError(describeDecision(request, result, resourcePolicyIsTrust), message, denialOf(request, result, principalArn));
}

/** The decision's summary for the call's record: which kind of policy decided and the Deny statements that matched, by name and Sid. */
function denialOf(request: DescribedRequest, result: EvaluationResult, principalArn: string | undefined): Denial {
  const reason = result.reason;
  const statements = result.matched
    .filter((statement) => statement.effect === 'Deny')
    .map((statement) => ({
      source: statement.source,
      ...(statement.policyName !== undefined ? { policyName: statement.policyName } : {}),
      ...(statement.policyArn !== undefined ? { policyArn: statement.policyArn } : {}),
      statementIndex: statement.statementIndex,
      ...(statement.sid !== undefined ? { sid: statement.sid } : {}),
    }));
  return {
    action: request.action,
    resource: request.resource,
    ...(principalArn !== undefined ? { principalArn } : {}),
    kind: reason.kind === 'allowed' ? 'implicit_deny' : reason.kind,
    ...(reason.kind === 'explicit_deny' || reason.kind === 'implicit_deny' ? { policyType: reason.policyType } : {}),
    statements,
  };
}

export function decodeAuthorizationMessage(keyring: SecretCipher, accountId: string, encoded: string): AuthorizationMessage {
  try {
    const encrypted: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    // decrypt refuses the same shapes; checked here so that it is given an EncryptedSecret.
    if (!isEncryptedSecret(encrypted)) throw new InvalidInputError('not an encrypted secret');
    return JSON.parse(keyring.decrypt(encrypted, contextFor(accountId))) as AuthorizationMessage;
  } catch {
    throw new InvalidInputError('The message is not a valid encoded authorization message of this account.');
  }
}
