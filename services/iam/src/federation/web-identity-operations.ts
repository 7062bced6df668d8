import { inAccountTransaction } from '@warden/db';
import { compilePolicy, compilePolicySet, evaluate, parseArn, type PolicySet } from '@warden/policy';
import { accessDenied } from '../authorization/authorization-message.js';
import type { Caller } from '../kernel/command-context.js';
import { AccessDeniedError, InvalidIdentityTokenError, InvalidInputError } from '../kernel/iam-error.js';
import { checkRoleSessionName } from '../naming/index.js';
import { findOidcProviderRowByUrl } from '../oidc-providers/oidc-provider-repository.js';
import type { IamCore } from '../service/iam-core.js';
import type { FederatedRoleSessions, IssuedRoleSession } from './federated-role-sessions.js';
import type { JwksSource } from './jwks-cache.js';
import type { UnsignedExchangeLimit } from './unsigned-exchange-limit.js';
import { unverifiedIssuer, verifyWebIdentityToken, WEB_IDENTITY_TOKEN_LENGTH } from './web-identity-token.js';

export interface AssumeRoleWithWebIdentityInput {
  readonly roleArn: string;
  readonly roleSessionName: string;
  readonly webIdentityToken: string;
  readonly durationSeconds?: number | null;
  readonly policy?: string | null;
  readonly policyArns?: readonly string[] | null;
  /** AWS's ProviderId is for OAuth 2.0 access tokens (Facebook, Login with Amazon); OpenID Connect ID tokens leave it out. */
  readonly providerId?: string | null;
}

export interface WebIdentityAssumedRole extends IssuedRoleSession {
  /** The token's `sub`. */
  readonly subjectFromWebIdentityToken: string;
  /** The token's issuer (its `iss`), as AWS's Provider answers it. */
  readonly provider: string;
  /** The client id the token was issued to. */
  readonly audience: string;
}

/** What the HTTP layer knows of an unsigned request. */
export interface RequestFacts {
  readonly requestId?: string | undefined;
  readonly sourceIp?: string | undefined;
  readonly userAgent?: string | undefined;
}

const ACTION = 'sts:AssumeRoleWithWebIdentity';

/**
 * AWS STS's AssumeRoleWithWebIdentity for OpenID Connect providers. The token is the credential, so
 * the request is not signed: the token is verified against the keys of the provider (an IAM OIDC
 * provider of the role's account whose URL is the token's `iss`), the role's trust policy must allow
 * that provider (`{"Federated": PROVIDER_ARN}`) with the token's claims as condition keys, and the
 * token is accepted once only. The session is an ordinary assumed-role session.
 *
 * AWS's IDPRejectedClaim is never the answer here: AWS returns it when the identity provider
 * reports that authentication failed (a claim invalid, expired or revoked), which it can only do
 * when STS asks the provider about the token, as for the OAuth 2.0 access tokens named by
 * ProviderId. Warden verifies OpenID Connect ID tokens itself against the provider's published
 * keys and refuses ProviderId, so no provider is ever asked; a token that fails is
 * InvalidIdentityToken or ExpiredToken.
 */
export class WebIdentityOperations {
  private readonly noIdentityPolicies: PolicySet;

  constructor(
    private readonly core: IamCore,
    private readonly sessions: FederatedRoleSessions,
    private readonly keys: JwksSource,
    private readonly exchanges: UnsignedExchangeLimit,
  ) {
    const empty = compilePolicySet({ identityPolicies: [] });
    if (!empty.ok) throw new Error('an empty policy set always compiles');
    this.noIdentityPolicies = empty.policySet;
  }

  async assumeRoleWithWebIdentity(input: AssumeRoleWithWebIdentityInput, facts: RequestFacts = {}): Promise<WebIdentityAssumedRole> {
    this.exchanges.admit(facts.sourceIp, this.core.clock.now());
    const roleArn = parseArn(input.roleArn);
    if (!roleArn || roleArn.service !== 'iam' || !roleArn.resource.startsWith('role/') || !/^\d{12}$/.test(roleArn.account) || roleArn.partition !== this.core.partition) {
      throw new InvalidInputError(`${JSON.stringify(String(input.roleArn).slice(0, 2048))} is not a role ARN.`);
    }
    const nameProblem = checkRoleSessionName(input.roleSessionName);
    if (nameProblem) throw new InvalidInputError(nameProblem);
    if (input.providerId != null) throw new InvalidInputError('ProviderId is for OAuth 2.0 access tokens; an OpenID Connect ID token names its provider in its iss claim, so leave ProviderId out.');
    const token = input.webIdentityToken;
    if (typeof token !== 'string' || token.length < WEB_IDENTITY_TOKEN_LENGTH.min || token.length > WEB_IDENTITY_TOKEN_LENGTH.max) {
      throw new InvalidIdentityTokenError(`WebIdentityToken must be ${WEB_IDENTITY_TOKEN_LENGTH.min} to ${WEB_IDENTITY_TOKEN_LENGTH.max} characters long.`);
    }
    const accountId = roleArn.account;
    const issuer = unverifiedIssuer(token);
    const { role, provider } = await inAccountTransaction(this.core.db, accountId, async (trx) => ({
      role: await trx.selectFrom('roles').selectAll().where('account_id', '=', accountId).where('arn', '=', input.roleArn).executeTakeFirst(),
      provider: issuer.startsWith('https://') ? await findOidcProviderRowByUrl(trx, accountId, issuer.slice('https://'.length)) : undefined,
    }));
    if (!provider) throw new InvalidIdentityTokenError(`No OpenIDConnect provider found in your account for ${issuer.slice(0, 300)}`);
    const now = this.core.clock.now();
    const identity = await verifyWebIdentityToken(token, { issuer, clientIds: provider.client_ids, thumbprints: provider.thumbprints }, this.keys, now);

    // The trust policy decides alone: the provider has no identity policies.
    const prefix = provider.url;
    const context: Record<string, string | string[]> = {
      'aws:CurrentTime': now.toISOString(),
      'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
      ...(facts.sourceIp ? { 'aws:SourceIp': facts.sourceIp } : {}),
      'aws:FederatedProvider': provider.arn,
      'sts:RoleSessionName': input.roleSessionName,
      // AWS: with an azp claim, ISSUER:aud is the azp and ISSUER:oaud the aud; otherwise ISSUER:aud is the aud.
      [`${prefix}:aud`]: identity.authorizedParty ?? (identity.audiences.length === 1 ? identity.audiences[0]! : [...identity.audiences]),
      ...(identity.authorizedParty !== undefined ? { [`${prefix}:oaud`]: identity.audiences.length === 1 ? identity.audiences[0]! : [...identity.audiences] } : {}),
      [`${prefix}:sub`]: identity.subject,
      ...(identity.amr ? { [`${prefix}:amr`]: [...identity.amr] } : {}),
      ...Object.fromEntries(identity.sessionTags.map((tag) => [`aws:RequestTag/${tag.key}`, tag.value])),
      ...(identity.sessionTags.length > 0 ? { 'aws:TagKeys': identity.sessionTags.map((tag) => tag.key) } : {}),
    };
    // A role that does not exist answers like one whose trust policy does not allow the provider.
    const trust = role ? compilePolicy({ name: `${input.roleArn} trust policy`, document: role.trust_policy }, 'trust') : undefined;
    const decide = (action: string) => {
      const result = evaluate(
        this.noIdentityPolicies,
        { principal: provider.arn, action, resource: input.roleArn, context, resourceAccount: accountId },
        { ...(trust?.ok ? { resourcePolicy: trust.policy } : {}), resourcePolicyRequired: true, now },
      );
      if (result.decision !== 'allow') throw accessDenied(this.core.keyring, accountId, { principal: provider.arn, action, resource: input.roleArn }, result, context, now, true);
    };
    decide(ACTION);
    // AWS: session tags from the token need sts:TagSession in the trust policy too.
    if (identity.sessionTags.length > 0) decide('sts:TagSession');
    if (!role) throw new AccessDeniedError(`Not authorized to perform ${ACTION}`);

    const actor: Caller = {
      accountId,
      arn: provider.arn,
      kind: 'federated-user',
      requestContext: {},
      ...(facts.requestId ? { requestId: facts.requestId } : {}),
      ...(facts.sourceIp ? { sourceIp: facts.sourceIp } : {}),
      ...(facts.userAgent ? { userAgent: facts.userAgent } : {}),
    };
    const replayKey = `web-identity-token/${identity.tokenHash}`;
    const issued = await this.sessions.issueFederatedRoleSession({
      role: { accountId, roleId: role.role_id, roleName: role.role_name, maxSessionDuration: role.max_session_duration },
      roleSessionName: input.roleSessionName,
      durationSeconds: input.durationSeconds ?? null,
      policy: input.policy ?? null,
      policyArns: input.policyArns ?? null,
      tags: identity.sessionTags,
      actor,
      webIdentity: { providerArn: provider.arn, subject: identity.subject, audience: identity.audience, tokenHash: identity.tokenHash, tokenExpiresAt: identity.expiresAt.toISOString() },
      // Under the token's lock, so two requests racing with one token cannot both pass.
      guard: {
        locks: [replayKey],
        check: async (trx) => {
          const used = await trx.selectFrom('web_identity_tokens').select('token_hash').where('account_id', '=', accountId).where('token_hash', '=', identity.tokenHash).executeTakeFirst();
          if (used) throw new InvalidIdentityTokenError('The web identity token was already used: a token is accepted once only. Get a new one from the identity provider.');
        },
      },
    });
    return { ...issued, subjectFromWebIdentityToken: identity.subject, provider: issuer, audience: identity.audience };
  }
}
