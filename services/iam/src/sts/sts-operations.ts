import { createHash, randomBytes } from 'node:crypto';
import { type Database, inAccountTransaction, streamLockKey } from '@warden/db';
import { evaluate, parseArn } from '@warden/policy';
import type { Kysely } from 'kysely';
import { accessDenied, type AuthorizationMessage, decodeAuthorizationMessage } from '../authorization/authorization-message.js';
import { loadManagedPolicyDocuments } from '../authorization/managed-policy-documents.js';
import { type Caller, eventMetadata } from '../kernel/command-context.js';
import { chainOriginAccount } from '../kernel/chain-origin.js';
import { AccessDeniedError, InvalidInputError, NoSuchEntityError, refusedByRule } from '../kernel/iam-error.js';
import { notePermissionAsked } from '../kernel/call-scope.js';
import { generateSecretAccessKey } from '../identifiers/index.js';
import { checkRoleSessionName, checkTags, type Tag } from '../naming/index.js';
import { checkPolicyDocument } from '../policy-documents/policy-document-check.js';
import { findAwsManagedPolicy } from '../policy-documents/aws-managed-policies.js';
import { roleDecider } from '../roles/role.decider.js';
import { sessionSecretContext } from '../kernel/encryption-contexts.js';
import { type ConsoleSession, consoleToken } from '../sessions/console-session.js';
import type { IamCore } from '../service/iam-core.js';
import { sessionDecider } from '../sessions/session.decider.js';
import type { SessionIssuedData } from '../sessions/session.events.js';
import { requestTagContext } from '../authorization/tag-context.js';
import { requireRoleRowByName, findRoleRowByArn } from '../roles/role-repository.js';
import { roleNameKey } from '../kernel/lock-keys.js';
import type { FederatedRoleSessionRequest, FederatedRoleSessions, SessionIssueGuard } from '../federation/federated-role-sessions.js';
import { appendTo, systemWriter, writingFor } from '../service/write-spec.js';
import { acceptMfaCode } from '../mfa/mfa-code-check.js';
import { ROOT_OWNER } from '../mfa/mfa-device.events.js';
import { packedPolicySize } from './packed-policy-size.js';

/**
 * The security token service: temporary credentials (an `ASIA…` key id, a secret and a session
 * token) for an assumed role, for an IAM user's own session, or for a federated user. Durations and
 * rules follow AWS's STS API reference; every issue is a `SessionIssued` event, the secret stored
 * encrypted and the token only as its hash.
 */
export interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

export interface AssumeRoleInput {
  readonly roleArn: string;
  readonly roleSessionName: string;
  readonly durationSeconds?: number | null;
  readonly externalId?: string | null;
  readonly policy?: string | null;
  readonly policyArns?: readonly string[] | null;
  readonly tags?: readonly Tag[] | null;
  readonly sourceIdentity?: string | null;
  /** MFA: the caller's device and a current code from it. */
  readonly serialNumber?: string | null;
  readonly tokenCode?: string | null;
}

export interface AssumedRole {
  readonly credentials: TemporaryCredentials;
  readonly assumedRoleUser: { readonly arn: string; readonly assumedRoleId: string };
  readonly sourceIdentity: string | null;
  /** How full the packed session policies and tags are, in percent; null when none were passed. */
  readonly packedPolicySize: number | null;
}

export interface FederationToken {
  readonly credentials: TemporaryCredentials;
  readonly federatedUser: { readonly arn: string; readonly federatedUserId: string };
  /** How full the packed session policies and tags are, in percent; null when none were passed. */
  readonly packedPolicySize: number | null;
}

/** AWS: "role chaining limits your … session to a maximum of one hour". */
const CHAINED_MAX_SECONDS = 3600;
const MIN_SECONDS = 900;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const SOURCE_IDENTITY = /^[\w+=,.@-]{2,64}$/;
const FEDERATED_NAME = /^[\w+=,.@-]{2,32}$/;

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class StsOperations implements FederatedRoleSessions {
  constructor(private readonly core: IamCore) {}

  /**
   * AWS's SerialNumber and TokenCode: the code must come from the caller's own enabled device (an
   * IAM user's, or the root user's) and is consumed. Returns when MFA was performed, or null when
   * no serial number was given.
   */
  private async checkMfa(caller: Caller, serialNumber: string | null | undefined, tokenCode: string | null | undefined): Promise<Date | null> {
    if (serialNumber == null && tokenCode == null) return null;
    if (serialNumber == null || tokenCode == null) throw new InvalidInputError('SerialNumber and TokenCode go together: give both or neither.');
    if (!/^\d{6}$/.test(tokenCode)) throw new InvalidInputError('TokenCode must be the six digits the MFA device shows.');
    // AWS: the device of the user (or root user) whose long-term credentials sign the call.
    if (caller.session) throw new InvalidInputError("SerialNumber and TokenCode go with long-term credentials (an IAM user's or the root user's access key), not with temporary ones.");
    const ownerId = caller.kind === 'root' ? ROOT_OWNER : caller.kind === 'user' ? caller.userId : undefined;
    const accepted = ownerId
      ? await acceptMfaCode(
          this.core,
          caller.accountId,
          ownerId,
          tokenCode,
          serialNumber,
          {
            actorArn: caller.arn,
            ...(caller.sourceIp ? { sourceIp: caller.sourceIp } : {}),
            ...(caller.requestId ? { requestId: caller.requestId } : {}),
          },
          caller.callScope,
        )
      : undefined;
    if (!accepted) throw new AccessDeniedError('MultiFactorAuthentication failed with invalid MFA one time pass code.');
    return this.core.clock.now();
  }

  /** Session policies: inline (validated as a session policy) plus up to 10 managed policy ARNs of the role's account or AWS's. */
  private async sessionPolicies(db: Kysely<Database>, accountId: string, policy: string | null | undefined, policyArns: readonly string[] | null | undefined) {
    const arns = policyArns ?? [];
    if (arns.length > 10) throw new InvalidInputError('At most 10 managed session policies (PolicyArns) may be passed.');
    const policies: { name: string; document: string; hash: string }[] = [];
    if (policy !== undefined && policy !== null) policies.push({ name: 'session-policy', document: policy, hash: checkPolicyDocument(policy, 'session') });
    if (arns.length > 0) {
      for (const arn of arns) {
        if (!findAwsManagedPolicy(arn) && parseArn(arn)?.account !== accountId) throw new InvalidInputError(`${arn} is not a managed policy of the account or of AWS.`);
      }
      const documents = await loadManagedPolicyDocuments(db, accountId, arns);
      for (const arn of arns) {
        const found = documents.get(arn);
        if (found === undefined) throw new NoSuchEntityError(`Policy ${arn} does not exist.`);
        policies.push({ name: arn, document: found.document, hash: found.hash });
      }
    }
    return policies;
  }

  private newCredentials(accountId: string) {
    const accessKeyId = this.core.newId('ASIA');
    const secretAccessKey = generateSecretAccessKey();
    const sessionToken = randomBytes(48).toString('base64');
    return { accessKeyId, secretAccessKey, sessionToken, secret: this.core.keyring.encrypt(secretAccessKey, sessionSecretContext(accountId, accessKeyId)) };
  }

  private async issue(
    accountId: string,
    caller: Caller,
    data: Omit<SessionIssuedData, 'sessionId' | 'accessKeyId' | 'secret' | 'tokenHash' | 'sourcePrincipalArn' | 'originAccountId'> & { readonly originAccountId: string | null },
    credentials: ReturnType<StsOperations['newCredentials']>,
    guard?: SessionIssueGuard,
  ): Promise<string> {
    const sessionId = randomBytes(12).toString('hex');
    const metadata = { ...eventMetadata(caller), resourceArn: data.principalArn };
    // STS issues it in the account of the role (or user), which may not be the caller's: the caller
    // was authorized by the operation's own evaluation (a trust policy, a session's rules), so the
    // write is Warden's, with the caller as its actor.
    await this.core.write(writingFor(caller.callScope, systemWriter(accountId, metadata)), {
      locks: [streamLockKey(`session/${sessionId}`), ...(guard?.locks ?? [])],
      appends: async (_loaded, trx) => {
        await guard?.check(trx);
        return appendTo(sessionDecider, `session/${sessionId}`, {
          type: 'IssueSession' as const,
          data: { ...data, sessionId, accessKeyId: credentials.accessKeyId, sourcePrincipalArn: caller.arn, secret: credentials.secret, tokenHash: tokenHash(credentials.sessionToken) },
        });
      },
    });
    // Scheduling the expiry is best effort and not waited for: the job queue may be away, and the
    // session is already committed. The periodic sweep expires whatever a lost job missed, and
    // authentication refuses an expired session by its time alone.
    this.core.onSessionIssued?.({ accountId, sessionId, expiresAt: new Date(data.expiresAt) });
    return sessionId;
  }

  /**
   * A console session for a principal that signed in: temporary credentials whose secret is never
   * handed out, reached with a bearer token (`ACCESS_KEY_ID.SESSION_TOKEN`) instead of a signature.
   * The principal's own policies apply, with aws:MultiFactorAuthPresent/Age from the sign-in.
   */
  async issueConsoleSession(
    principal: { accountId: string; arn: string; userId: string | null; userName: string | null },
    options: { durationSeconds: number; mfaAuthenticatedAt: Date | null; sourceIp?: string | undefined; userAgent?: string | undefined; requestId?: string | undefined },
  ): Promise<ConsoleSession> {
    const now = this.core.clock.now();
    const expiration = new Date(now.getTime() + options.durationSeconds * 1000);
    const credentials = this.newCredentials(principal.accountId);
    const actor: Caller = {
      accountId: principal.accountId,
      arn: principal.arn,
      kind: principal.userId ? 'user' : 'root',
      requestContext: {},
      ...(options.sourceIp ? { sourceIp: options.sourceIp } : {}),
      ...(options.userAgent ? { userAgent: options.userAgent } : {}),
      ...(options.requestId ? { requestId: options.requestId } : {}),
    };
    const sessionId = await this.issue(
      principal.accountId,
      actor,
      {
        kind: 'console',
        principalArn: principal.arn,
        roleId: null,
        userId: principal.userId,
        sessionName: principal.userName ?? 'root',
        sourceIdentity: null,
        tags: [],
        sessionPolicies: [],
        mfaAuthenticated: options.mfaAuthenticatedAt !== null,
        mfaAuthenticatedAt: options.mfaAuthenticatedAt?.toISOString() ?? null,
        chained: false,
        originAccountId: principal.accountId,
        expiresAt: expiration.toISOString(),
      },
      credentials,
    );
    return { sessionId, token: consoleToken(credentials.accessKeyId, credentials.sessionToken), expiration };
  }

  /** Ends a console session now (signOut): its token is refused from then on. */
  async revokeConsoleSession(caller: Caller): Promise<void> {
    const session = caller.session;
    if (!session || session.kind !== 'console') throw new InvalidInputError("signOut ends a console session: sign the request with the session's bearer token.");
    // A session may always end itself: nothing to authorize.
    await this.core.write(caller, {
      locks: [streamLockKey(`session/${session.sessionId}`)],
      appends: () => appendTo(sessionDecider, `session/${session.sessionId}`, { type: 'RevokeSession' as const, sessionId: session.sessionId }, { resourceArn: caller.arn }),
    });
  }

  async assumeRole(caller: Caller, input: AssumeRoleInput): Promise<AssumedRole> {
    if (caller.kind === 'root')
      throw refusedByRule('sts:AssumeRole', input.roleArn, `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${input.roleArn}: the root user cannot assume roles`);
    const roleArn = parseArn(input.roleArn);
    if (!roleArn || roleArn.service !== 'iam' || !roleArn.resource.startsWith('role/') || !/^\d{12}$/.test(roleArn.account))
      throw new InvalidInputError(`${JSON.stringify(input.roleArn)} is not a role ARN.`);
    const nameProblem = checkRoleSessionName(input.roleSessionName);
    if (nameProblem) throw new InvalidInputError(nameProblem);
    if (input.externalId != null && !EXTERNAL_ID.test(input.externalId)) throw new InvalidInputError('ExternalId must be 2 to 1,224 characters of letters, digits and +=,.@:/-.');
    if (input.sourceIdentity != null && !SOURCE_IDENTITY.test(input.sourceIdentity)) throw new InvalidInputError('SourceIdentity must be 2 to 64 characters of letters, digits and +=,.@-.');
    if (input.sourceIdentity != null && caller.session?.sourceIdentity && caller.session.sourceIdentity !== input.sourceIdentity) {
      throw new InvalidInputError('A source identity set by an earlier session cannot be changed in a chained session.');
    }
    const tags = [...(input.tags ?? [])];
    const tagProblem = checkTags(tags);
    if (tagProblem) throw new InvalidInputError(tagProblem);
    const chained = caller.kind === 'assumed-role';
    const targetAccount = roleArn.account;
    const mfaAt = await this.checkMfa(caller, input.serialNumber, input.tokenCode);
    const now = this.core.clock.now();

    // The caller's own policies (its identity side) and the role, each read in its own account.
    const callerCompiled = await this.core.compiledCaller(caller);
    const prepared = await inAccountTransaction(this.core.db, targetAccount, async (trx) => {
      const role = await findRoleRowByArn(trx, targetAccount, input.roleArn);
      const policies = role ? await this.sessionPolicies(trx, targetAccount, input.policy, input.policyArns) : [];
      return { role, policies };
    });
    const role = prepared.role;
    const sourceIdentity = input.sourceIdentity ?? caller.session?.sourceIdentity ?? null;
    const context: Record<string, string | string[]> = {
      ...callerCompiled.principalContext,
      ...caller.requestContext,
      ...(mfaAt ? { 'aws:MultiFactorAuthPresent': 'true', 'aws:MultiFactorAuthAge': '0' } : {}),
      'sts:RoleSessionName': input.roleSessionName,
      ...(input.externalId != null ? { 'sts:ExternalId': input.externalId } : {}),
      ...(sourceIdentity ? { 'sts:SourceIdentity': sourceIdentity } : {}),
      ...requestTagContext(tags),
    };
    // A role that does not exist answers like one whose trust policy does not allow the caller.
    const trust = role ? this.core.authorizer.trustPolicy(role.account_id, role, input.roleArn) : undefined;
    const decide = (action: string) => {
      const scope = caller.callScope;
      if (scope) notePermissionAsked(scope, action, input.roleArn, callerCompiled.principal.arn);
      const result = evaluate(
        callerCompiled.policySet,
        { principal: caller.arn, action, resource: input.roleArn, context, resourceAccount: targetAccount },
        { ...(trust ? { resourcePolicy: trust } : {}), resourcePolicyRequired: true, now },
      );
      if (result.decision !== 'allow') throw accessDenied(this.core.keyring, caller.accountId, { principal: caller.arn, action, resource: input.roleArn }, result, context, now, true);
    };
    decide('sts:AssumeRole');
    if (tags.length > 0) decide('sts:TagSession');
    if (input.sourceIdentity != null) decide('sts:SetSourceIdentity');
    if (!role) throw refusedByRule('sts:AssumeRole', input.roleArn, `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${input.roleArn}`);
    const packed = packedPolicySize({ policy: input.policy, policyArns: input.policyArns, tags });

    const maximum = chained ? CHAINED_MAX_SECONDS : role.max_session_duration;
    const duration = input.durationSeconds ?? 3600;
    if (!Number.isInteger(duration) || duration < MIN_SECONDS || duration > maximum) {
      throw new InvalidInputError(
        chained && duration > CHAINED_MAX_SECONDS
          ? 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.'
          : `DurationSeconds must be between ${MIN_SECONDS} and the role's maximum session duration, ${maximum}.`,
      );
    }
    const expiration = new Date(now.getTime() + duration * 1000);
    const credentials = this.newCredentials(targetAccount);
    const assumedArn = `arn:${roleArn.partition}:sts::${targetAccount}:assumed-role/${role.role_name}/${input.roleSessionName}`;
    await this.issue(
      targetAccount,
      caller,
      {
        kind: 'assumed-role',
        principalArn: assumedArn,
        roleId: role.role_id,
        roleArn: role.arn,
        userId: null,
        sessionName: input.roleSessionName,
        sourceIdentity,
        tags,
        sessionPolicies: prepared.policies,
        // MFA carries over a chain, with the time it was performed (AWS: MultiFactorAuthAge counts from the first).
        mfaAuthenticated: mfaAt !== null || (caller.session?.mfaAuthenticated ?? false),
        mfaAuthenticatedAt: mfaAt?.toISOString() ?? caller.session?.mfaAuthenticatedAt?.toISOString() ?? null,
        chained,
        originAccountId: chainOriginAccount(caller),
        expiresAt: expiration.toISOString(),
      },
      credentials,
    );
    return {
      credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken, expiration },
      assumedRoleUser: { arn: assumedArn, assumedRoleId: `${role.role_id}:${input.roleSessionName}` },
      sourceIdentity,
      packedPolicySize: packed,
    };
  }

  /**
   * A role session for a principal federation authenticated itself (a web identity, a SAML assertion), the role's
   * trust policy already satisfied: duration and session policies as for AssumeRole.
   */
  async issueFederatedRoleSession(request: FederatedRoleSessionRequest): Promise<AssumedRole> {
    const { role } = request;
    const duration = request.durationSeconds ?? 3600;
    if (!Number.isInteger(duration) || duration < MIN_SECONDS || duration > role.maxSessionDuration) {
      throw new InvalidInputError(`DurationSeconds must be between ${MIN_SECONDS} and the role's maximum session duration, ${role.maxSessionDuration}.`);
    }
    const sourceIdentity = request.sourceIdentity ?? null;
    if (sourceIdentity !== null && !SOURCE_IDENTITY.test(sourceIdentity)) throw new InvalidInputError('SourceIdentity must be 2 to 64 characters of letters, digits and +=,.@-.');
    const policies = await inAccountTransaction(this.core.db, role.accountId, (trx) => this.sessionPolicies(trx, role.accountId, request.policy, request.policyArns));
    const packed = packedPolicySize({ policy: request.policy, policyArns: request.policyArns, tags: request.tags });
    const now = this.core.clock.now();
    const requested = now.getTime() + duration * 1000;
    const expiration = new Date(request.endsNoLaterThan ? Math.min(requested, request.endsNoLaterThan.getTime()) : requested);
    const credentials = this.newCredentials(role.accountId);
    const assumedArn = `arn:${this.core.partition}:sts::${role.accountId}:assumed-role/${role.roleName}/${request.roleSessionName}`;
    await this.issue(
      role.accountId,
      request.actor,
      {
        kind: 'assumed-role',
        principalArn: assumedArn,
        roleId: role.roleId,
        roleArn: role.arn,
        userId: null,
        sessionName: request.roleSessionName,
        sourceIdentity,
        tags: [...request.tags],
        sessionPolicies: policies,
        mfaAuthenticated: false,
        mfaAuthenticatedAt: null,
        chained: false,
        // The chain began with an identity from outside the platform.
        originAccountId: null,
        expiresAt: expiration.toISOString(),
        ...request.federation,
      },
      credentials,
      request.guard,
    );
    return {
      credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken, expiration },
      assumedRoleUser: { arn: assumedArn, assumedRoleId: `${role.roleId}:${request.roleSessionName}` },
      sourceIdentity,
      packedPolicySize: packed,
    };
  }

  /** An IAM user's or the root user's own temporary credentials. AWS needs no permission for it. */
  async getSessionToken(caller: Caller, input: { durationSeconds?: number | null; serialNumber?: string | null; tokenCode?: string | null }): Promise<TemporaryCredentials> {
    if (caller.session) throw refusedByRule('sts:GetSessionToken', '*', "GetSessionToken must be called with long-term credentials (an IAM user's or the root user's access key).");
    if (caller.kind !== 'user' && caller.kind !== 'root') throw refusedByRule('sts:GetSessionToken', '*', `${caller.arn} cannot call GetSessionToken.`);
    const maximum = caller.kind === 'root' ? 3600 : 129_600;
    const duration = input.durationSeconds ?? (caller.kind === 'root' ? 3600 : 43_200);
    if (!Number.isInteger(duration) || duration < MIN_SECONDS || duration > maximum) throw new InvalidInputError(`DurationSeconds must be between ${MIN_SECONDS} and ${maximum}.`);
    const mfaAt = await this.checkMfa(caller, input.serialNumber, input.tokenCode);
    const now = this.core.clock.now();
    const expiration = new Date(now.getTime() + duration * 1000);
    const credentials = this.newCredentials(caller.accountId);
    await this.issue(
      caller.accountId,
      caller,
      {
        kind: 'session-token',
        principalArn: caller.arn,
        roleId: null,
        userId: caller.userId ?? null,
        sessionName: caller.userName ?? 'root',
        sourceIdentity: null,
        tags: [],
        sessionPolicies: [],
        mfaAuthenticated: mfaAt !== null,
        mfaAuthenticatedAt: mfaAt?.toISOString() ?? null,
        chained: false,
        originAccountId: caller.accountId,
        expiresAt: expiration.toISOString(),
      },
      credentials,
    );
    return { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken, expiration };
  }

  /**
   * A federated user's credentials: its permissions are the intersection of the calling user's
   * policies and the session policies passed here (none passed: no permissions at all).
   */
  async getFederationToken(
    caller: Caller,
    input: { name: string; policy?: string | null; policyArns?: readonly string[] | null; durationSeconds?: number | null; tags?: readonly Tag[] | null },
  ): Promise<FederationToken> {
    if (caller.session || caller.kind !== 'user') throw refusedByRule('sts:GetFederationToken', '*', "GetFederationToken must be called with an IAM user's long-term access key.");
    if (!FEDERATED_NAME.test(input.name)) throw new InvalidInputError('Name must be 2 to 32 characters of letters, digits and +=,.@-.');
    const tags = [...(input.tags ?? [])];
    const tagProblem = checkTags(tags);
    if (tagProblem) throw new InvalidInputError(tagProblem);
    const duration = input.durationSeconds ?? 43_200;
    if (!Number.isInteger(duration) || duration < MIN_SECONDS || duration > 129_600) throw new InvalidInputError(`DurationSeconds must be between ${MIN_SECONDS} and 129600.`);
    const partition = this.core.partition;
    const federatedArn = `arn:${partition}:sts::${caller.accountId}:federated-user/${input.name}`;
    const policies = await this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'sts:GetFederationToken', federatedArn, requestTagContext(tags));
      return this.sessionPolicies(trx, caller.accountId, input.policy, input.policyArns);
    });
    const packed = packedPolicySize({ policy: input.policy, policyArns: input.policyArns, tags });
    const now = this.core.clock.now();
    const expiration = new Date(now.getTime() + duration * 1000);
    const credentials = this.newCredentials(caller.accountId);
    await this.issue(
      caller.accountId,
      caller,
      {
        kind: 'federation',
        principalArn: federatedArn,
        roleId: null,
        userId: caller.userId ?? null,
        sessionName: input.name,
        sourceIdentity: null,
        tags,
        // No session policy means no permissions: an explicit empty policy makes that so.
        sessionPolicies:
          policies.length > 0 ? policies : [{ name: 'no-session-policy', document: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] }) }],
        mfaAuthenticated: false,
        chained: false,
        originAccountId: caller.accountId,
        expiresAt: expiration.toISOString(),
      },
      credentials,
    );
    return {
      credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken, expiration },
      federatedUser: { arn: federatedArn, federatedUserId: `${caller.accountId}:${input.name}` },
      packedPolicySize: packed,
    };
  }

  /** sts:DecodeAuthorizationMessage: the decision behind a denial of this account. */
  async decodeAuthorizationMessage(caller: Caller, encodedMessage: string): Promise<AuthorizationMessage> {
    await this.core.read(caller, (trx) => this.core.authorize(trx, caller, 'sts:DecodeAuthorizationMessage', '*'));
    return decodeAuthorizationMessage(this.core.keyring, caller.accountId, encodedMessage);
  }

  /** AWS's "revoke active sessions": sessions of the role issued before `before` (default now) are refused. */
  async revokeRoleSessions(caller: Caller, roleName: string, before?: Date | null): Promise<void> {
    const cutoff = before ?? this.core.clock.now();
    await this.core.write(caller, {
      locks: [roleNameKey(roleName)],
      load: (trx) => requireRoleRowByName(trx, caller.accountId, roleName),
      // AWS attaches a deny policy (AWSRevokeOlderSessions) to do this, which needs iam:PutRolePolicy.
      permissions: (role) => [{ action: 'iam:PutRolePolicy', resource: role.arn }],
      appends: (role) => appendTo(roleDecider, `role/${role.role_id}`, { type: 'RevokeRoleSessions' as const, before: cutoff }),
    });
  }
}
