import { createHash } from 'node:crypto';
import type { Database } from '@warden/db';
import { inAccountTransaction } from '@warden/db';
import { parseArn } from '@warden/policy';
import type { Kysely } from 'kysely';
import { requestTagContext } from '../authorization/tag-context.js';
import { AccessDeniedError, InvalidIdentityTokenError, InvalidInputError } from '../kernel/iam-error.js';
import { findRoleRowByArn } from '../roles/role-repository.js';
import type { IamCore } from '../service/iam-core.js';
import { federatedActor, federatedRequestContext, federatedRoleAccount, FederatedTrust, type RequestFacts } from './federated-role-assumption.js';
import type { FederatedRoleSessions, IssuedRoleSession } from './federated-role-sessions.js';
import { type SamlEndpoints, verifySamlResponse } from './saml-response.js';
import { singleUseTokenGuard } from './single-use-token-guard.js';
import type { UnsignedExchangeLimit } from './unsigned-exchange-limit.js';

/** What AssumeRoleWithSAML needs of an IAM SAML provider. */
export interface SamlProviderRecord {
  readonly arn: string;
  /** The provider's name: the last part of its ARN (AWS's NameQualifier hashes it). */
  readonly name: string;
  /** Its metadata's entityID: the Issuer of its assertions. */
  readonly entityId: string;
  /** Its metadata's signing certificates, as PEM. */
  readonly signingCertificatesPem: readonly string[];
}

/** Finds an account's SAML provider by ARN, in the transaction given (the SAML provider entity's repository). */
export interface SamlProviderLookup {
  findSamlProvider(db: Kysely<Database>, accountId: string, arn: string): Promise<SamlProviderRecord | undefined>;
}

export interface AssumeRoleWithSamlInput {
  readonly roleArn: string;
  /** The SAML provider's ARN. */
  readonly principalArn: string;
  /** The base64 SAML Response, as the identity provider posted it. */
  readonly samlAssertion: string;
  readonly durationSeconds?: number | null;
  readonly policy?: string | null;
  readonly policyArns?: readonly string[] | null;
}

/** AWS's AssumeRoleWithSAML answer (PackedPolicySize aside: Warden does not pack session policies). */
export interface SamlAssumedRole extends IssuedRoleSession {
  /** The NameID. */
  readonly subject: string;
  /** `persistent`, `transient`, or the NameID's whole Format URI. */
  readonly subjectType: string;
  readonly issuer: string;
  /** AWS: the SubjectConfirmationData's Recipient. */
  readonly audience: string;
  /** AWS: base64(SHA-1(issuer + account id + "/" + provider name)); with Subject it names the user uniquely. */
  readonly nameQualifier: string;
  readonly sourceIdentity: string | null;
}

const ACTION = 'sts:AssumeRoleWithSAML';

/** AWS's NameQualifier (and the `saml:namequalifier` condition key): BASE64(SHA1(issuer + account id + "/" + provider name)). */
export function samlNameQualifier(issuer: string, accountId: string, providerName: string): string {
  return createHash('sha1').update(`${issuer}${accountId}/${providerName}`).digest('base64');
}

/**
 * AWS STS's AssumeRoleWithSAML. The assertion is the credential, so the request is not signed: the
 * SAML Response is verified against the certificates of the provider `principalArn` names (an IAM
 * SAML provider of the role's account), the asked role and provider must be a pair of the
 * assertion's Role attribute, the role's trust policy must allow the provider
 * (`{"Federated": PROVIDER_ARN}`) with the assertion's `saml:*` condition keys, and the assertion
 * is accepted once only. The session is an ordinary assumed-role session.
 */
export class SamlOperations {
  private readonly trust: FederatedTrust;

  constructor(
    private readonly core: IamCore,
    private readonly sessions: FederatedRoleSessions,
    private readonly providers: SamlProviderLookup,
    private readonly endpoints: SamlEndpoints,
    private readonly exchanges: UnsignedExchangeLimit,
  ) {
    this.trust = new FederatedTrust(core);
  }

  async assumeRoleWithSAML(input: AssumeRoleWithSamlInput, facts: RequestFacts = {}): Promise<SamlAssumedRole> {
    this.exchanges.admit(facts.sourceIp, this.core.clock.now());
    const accountId = federatedRoleAccount(input.roleArn, this.core.partition);
    const providerArn = parseArn(input.principalArn);
    if (!providerArn || providerArn.service !== 'iam' || !providerArn.resource.startsWith('saml-provider/') || providerArn.partition !== this.core.partition) {
      throw new InvalidInputError(`${JSON.stringify(String(input.principalArn).slice(0, 2048))} is not a SAML provider ARN.`);
    }
    const { role: roleRow, provider } = await inAccountTransaction(this.core.db, accountId, async (trx) => ({
      role: await findRoleRowByArn(trx, accountId, input.roleArn),
      // The provider must be the role's account's own.
      provider: providerArn.account === accountId ? await this.providers.findSamlProvider(trx, accountId, input.principalArn) : undefined,
    }));
    if (!provider) throw new InvalidIdentityTokenError(`No SAML provider ${input.principalArn.slice(0, 2048)} found in the role's account.`);
    const now = this.core.clock.now();
    const assertion = verifySamlResponse(input.samlAssertion, { entityId: provider.entityId, signingCertificatesPem: provider.signingCertificatesPem }, this.endpoints, now);
    if (!assertion.roles.some((pair) => pair.roleArn === input.roleArn && pair.providerArn === provider.arn)) {
      throw new AccessDeniedError(`Not authorized to perform ${ACTION}: the SAML assertion's Role attribute does not pair this role with this SAML provider.`);
    }

    const nameQualifier = samlNameQualifier(assertion.issuer, accountId, provider.name);
    const context: Record<string, string | string[]> = {
      ...federatedRequestContext(now, provider.arn, facts),
      'sts:RoleSessionName': assertion.roleSessionName,
      // AWS: saml:aud is the Recipient the assertion was presented to, not its Audience.
      'saml:aud': assertion.recipient,
      'saml:iss': assertion.issuer,
      'saml:sub': assertion.subject,
      'saml:sub_type': assertion.subjectType,
      'saml:namequalifier': nameQualifier,
      'saml:doc': `${accountId}/${provider.name}`,
      ...Object.fromEntries(Object.entries(assertion.contextAttributes).map(([key, values]) => [key, values.length === 1 ? values[0]! : [...values]])),
      ...requestTagContext(assertion.tags),
      ...(assertion.transitiveTagKeys.length > 0 ? { 'sts:TransitiveTagKeys': [...assertion.transitiveTagKeys] } : {}),
      ...(assertion.sourceIdentity !== undefined ? { 'sts:SourceIdentity': assertion.sourceIdentity } : {}),
    };
    // AWS: session tags need sts:TagSession in the trust policy, and a source identity sts:SetSourceIdentity.
    const actions = [ACTION, ...(assertion.tags.length > 0 ? ['sts:TagSession'] : []), ...(assertion.sourceIdentity !== undefined ? ['sts:SetSourceIdentity'] : [])];
    const role = this.trust.allowedRole(roleRow, { providerArn: provider.arn, roleArn: input.roleArn, accountId, context, now }, actions);

    const issued = await this.sessions.issueFederatedRoleSession({
      role: { accountId, roleId: role.role_id, roleName: role.role_name, arn: role.arn, maxSessionDuration: role.max_session_duration },
      roleSessionName: assertion.roleSessionName,
      durationSeconds: input.durationSeconds ?? null,
      // AWS: the session lasts for DurationSeconds or until the AuthnStatement's SessionNotOnOrAfter, whichever is shorter.
      endsNoLaterThan: assertion.sessionNotOnOrAfter ?? null,
      policy: input.policy ?? null,
      policyArns: input.policyArns ?? null,
      tags: assertion.tags,
      sourceIdentity: assertion.sourceIdentity ?? null,
      actor: federatedActor(accountId, provider.arn, facts),
      federation: {
        saml: {
          providerArn: provider.arn,
          issuer: assertion.issuer,
          subject: assertion.subject,
          subjectType: assertion.subjectType,
          tokenHash: assertion.assertionHash,
          // Remembered past NotOnOrAfter by the skew verification allows (the session projection's rule).
          tokenExpiresAt: assertion.notOnOrAfter.toISOString(),
        },
      },
      guard: singleUseTokenGuard(accountId, assertion.assertionHash, 'The SAML assertion was already used: an assertion is accepted once only. Sign in at the identity provider again for a new one.'),
    });
    return {
      ...issued,
      subject: assertion.subject,
      subjectType: assertion.subjectType,
      issuer: assertion.issuer,
      audience: assertion.recipient,
      nameQualifier,
      sourceIdentity: assertion.sourceIdentity ?? null,
    };
  }
}
