import { compilePolicySet, evaluate, parseArn, type PolicySet } from '@warden/policy';
import { accessDenied } from '../authorization/authorization-message.js';
import type { Caller } from '../kernel/command-context.js';
import { AccessDeniedError, InvalidInputError } from '../kernel/iam-error.js';
import type { IamCore } from '../service/iam-core.js';
import type { TrustPolicyHolder } from '../authorization/authorizer.js';

/**
 * What AssumeRoleWithWebIdentity and AssumeRoleWithSAML do alike around the role: the role ARN
 * they accept, the trust policy's decision for the identity provider (the provider has no identity
 * policies, so the trust policy decides alone), and the provider as the actor events name.
 */

/** What the HTTP layer knows of an unsigned request. */
export interface RequestFacts {
  readonly requestId?: string | undefined;
  readonly sourceIp?: string | undefined;
  readonly userAgent?: string | undefined;
}

/** The account of a role ARN of this partition; anything else is InvalidInput. */
export function federatedRoleAccount(roleArn: string, partition: string): string {
  const arn = parseArn(roleArn);
  if (!arn || arn.service !== 'iam' || !arn.resource.startsWith('role/') || !/^\d{12}$/.test(arn.account) || arn.partition !== partition) {
    throw new InvalidInputError(`${JSON.stringify(String(roleArn).slice(0, 2048))} is not a role ARN.`);
  }
  return arn.account;
}

/** The identity provider as the caller the session's events name. */
export function federatedActor(accountId: string, providerArn: string, facts: RequestFacts): Caller {
  return {
    accountId,
    arn: providerArn,
    kind: 'federated-user',
    requestContext: {},
    ...(facts.requestId ? { requestId: facts.requestId } : {}),
    ...(facts.sourceIp ? { sourceIp: facts.sourceIp } : {}),
    ...(facts.userAgent ? { userAgent: facts.userAgent } : {}),
  };
}

/** The request context keys every federated assumption has: the time, the source address, the provider. */
export function federatedRequestContext(now: Date, providerArn: string, facts: RequestFacts): Record<string, string> {
  return {
    'aws:CurrentTime': now.toISOString(),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
    ...(facts.sourceIp ? { 'aws:SourceIp': facts.sourceIp } : {}),
    'aws:FederatedProvider': providerArn,
  };
}

export interface FederatedTrustQuestion {
  readonly providerArn: string;
  readonly roleArn: string;
  readonly accountId: string;
  readonly context: Record<string, string | string[]>;
  readonly now: Date;
}

export class FederatedTrust {
  private readonly noIdentityPolicies: PolicySet;

  constructor(private readonly core: IamCore) {
    const empty = compilePolicySet({ identityPolicies: [] });
    if (!empty.ok) throw new Error('an empty policy set always compiles');
    this.noIdentityPolicies = empty.policySet;
  }

  /**
   * Each action must be allowed by the role's trust policy for the provider (AssumeRoleWith…, and
   * sts:TagSession or sts:SetSourceIdentity when the token brings tags or a source identity, as
   * AWS requires). A role that does not exist answers like one whose trust policy does not allow
   * it. Answers the role, which then exists.
   */
  allowedRole<Role extends { readonly account_id: string } & TrustPolicyHolder>(role: Role | undefined, question: FederatedTrustQuestion, actions: readonly string[]): Role {
    const { providerArn, roleArn, accountId, context, now } = question;
    const trust = role ? this.core.authorizer.trustPolicy(role.account_id, role, roleArn) : undefined;
    for (const action of actions) {
      const result = evaluate(
        this.noIdentityPolicies,
        { principal: providerArn, action, resource: roleArn, context, resourceAccount: accountId },
        { ...(trust ? { resourcePolicy: trust } : {}), resourcePolicyRequired: true, now },
      );
      if (result.decision !== 'allow') throw accessDenied(this.core.keyring, accountId, { principal: providerArn, action, resource: roleArn }, result, context, now, true);
    }
    if (!role) throw new AccessDeniedError(`Not authorized to perform ${actions[0]}`);
    return role;
  }
}
