import type { Database } from '@warden/db';
import type { Transaction } from 'kysely';
import type { Caller } from '../kernel/command-context.js';
import type { Tag } from '../naming/index.js';
import type { SamlOfSession, WebIdentityOfSession } from '../sessions/session.events.js';

/**
 * What federation needs of STS (IamService passes StsOperations in): a role session for a principal
 * federation authenticated, once the role's trust policy allowed it. Durations, session policies and
 * the issue itself stay STS's, the same as for AssumeRole.
 */
export interface FederatedRoleSessions {
  issueFederatedRoleSession(request: FederatedRoleSessionRequest): Promise<IssuedRoleSession>;
}

/** A check the issuing write makes under its locks before the session is appended (a token's replay). */
export interface SessionIssueGuard {
  readonly locks: readonly string[];
  check(trx: Transaction<Database>): Promise<void>;
}

export interface FederatedRoleSessionRequest {
  readonly role: { readonly accountId: string; readonly roleId: string; readonly roleName: string; readonly arn: string; readonly maxSessionDuration: number };
  readonly roleSessionName: string;
  readonly durationSeconds?: number | null;
  readonly policy?: string | null;
  readonly policyArns?: readonly string[] | null;
  readonly tags: readonly Tag[];
  /** The source identity the identity provider set (AWS: it stays with the session and its chain). */
  readonly sourceIdentity?: string | null;
  /** The session ends by then whatever its duration (a SAML assertion's SessionNotOnOrAfter). */
  readonly endsNoLaterThan?: Date | null;
  /** Who the events name as the actor: the identity provider. */
  readonly actor: Caller;
  /** Who the session was issued to, as its SessionIssued event records it. */
  readonly federation: { readonly webIdentity: WebIdentityOfSession } | { readonly saml: SamlOfSession };
  readonly guard: SessionIssueGuard;
}

export interface IssuedRoleSession {
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken: string; readonly expiration: Date };
  readonly assumedRoleUser: { readonly arn: string; readonly assumedRoleId: string };
  /** How full the packed session policies and tags are, in percent (AWS's PackedPolicySize); null when none were passed. */
  readonly packedPolicySize: number | null;
}
