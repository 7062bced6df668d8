import { inAccountTransaction } from '@warden/db';
import { requestTagContext } from '../authorization/tag-context.js';
import { InvalidIdentityTokenError, InvalidInputError } from '../kernel/iam-error.js';
import { checkRoleSessionName } from '../naming/index.js';
import { findOidcProviderRowByUrl } from '../oidc-providers/oidc-provider-repository.js';
import { findRoleRowByArn } from '../roles/role-repository.js';
import type { IamCore } from '../service/iam-core.js';
import { federatedActor, federatedRequestContext, federatedRoleAccount, FederatedTrust, type RequestFacts } from './federated-role-assumption.js';
import type { FederatedRoleSessions, IssuedRoleSession } from './federated-role-sessions.js';
import type { JwksSource } from './jwks-cache.js';
import { singleUseTokenGuard } from './single-use-token-guard.js';
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
  private readonly trust: FederatedTrust;

  constructor(
    private readonly core: IamCore,
    private readonly sessions: FederatedRoleSessions,
    private readonly keys: JwksSource,
    private readonly exchanges: UnsignedExchangeLimit,
  ) {
    this.trust = new FederatedTrust(core);
  }

  async assumeRoleWithWebIdentity(input: AssumeRoleWithWebIdentityInput, facts: RequestFacts = {}): Promise<WebIdentityAssumedRole> {
    this.exchanges.admit(facts.sourceIp, this.core.clock.now());
    const accountId = federatedRoleAccount(input.roleArn, this.core.partition);
    const nameProblem = checkRoleSessionName(input.roleSessionName);
    if (nameProblem) throw new InvalidInputError(nameProblem);
    if (input.providerId != null) throw new InvalidInputError('ProviderId is for OAuth 2.0 access tokens; an OpenID Connect ID token names its provider in its iss claim, so leave ProviderId out.');
    const token = input.webIdentityToken;
    if (typeof token !== 'string' || token.length < WEB_IDENTITY_TOKEN_LENGTH.min || token.length > WEB_IDENTITY_TOKEN_LENGTH.max) {
      throw new InvalidIdentityTokenError(`WebIdentityToken must be ${WEB_IDENTITY_TOKEN_LENGTH.min} to ${WEB_IDENTITY_TOKEN_LENGTH.max} characters long.`);
    }
    const issuer = unverifiedIssuer(token);
    const { role: roleRow, provider } = await inAccountTransaction(this.core.db, accountId, async (trx) => ({
      role: await findRoleRowByArn(trx, accountId, input.roleArn),
      provider: issuer.startsWith('https://') ? await findOidcProviderRowByUrl(trx, accountId, issuer.slice('https://'.length)) : undefined,
    }));
    if (!provider) throw new InvalidIdentityTokenError(`No OpenIDConnect provider found in your account for ${issuer.slice(0, 300)}`);
    const now = this.core.clock.now();
    const identity = await verifyWebIdentityToken(token, { issuer, clientIds: provider.client_ids, thumbprints: provider.thumbprints }, this.keys, now);

    const prefix = provider.url;
    const context: Record<string, string | string[]> = {
      ...federatedRequestContext(now, provider.arn, facts),
      'sts:RoleSessionName': input.roleSessionName,
      // AWS: with an azp claim, ISSUER:aud is the azp and ISSUER:oaud the aud; otherwise ISSUER:aud is the aud.
      [`${prefix}:aud`]: identity.authorizedParty ?? (identity.audiences.length === 1 ? identity.audiences[0]! : [...identity.audiences]),
      ...(identity.authorizedParty !== undefined ? { [`${prefix}:oaud`]: identity.audiences.length === 1 ? identity.audiences[0]! : [...identity.audiences] } : {}),
      [`${prefix}:sub`]: identity.subject,
      ...(identity.amr ? { [`${prefix}:amr`]: [...identity.amr] } : {}),
      ...requestTagContext(identity.sessionTags),
    };
    // AWS: session tags from the token need sts:TagSession in the trust policy too.
    const role = this.trust.allowedRole(
      roleRow,
      { providerArn: provider.arn, roleArn: input.roleArn, accountId, context, now },
      identity.sessionTags.length > 0 ? [ACTION, 'sts:TagSession'] : [ACTION],
    );

    const issued = await this.sessions.issueFederatedRoleSession({
      role: { accountId, roleId: role.role_id, roleName: role.role_name, arn: role.arn, maxSessionDuration: role.max_session_duration },
      roleSessionName: input.roleSessionName,
      durationSeconds: input.durationSeconds ?? null,
      policy: input.policy ?? null,
      policyArns: input.policyArns ?? null,
      tags: identity.sessionTags,
      actor: federatedActor(accountId, provider.arn, facts),
      federation: {
        webIdentity: { providerArn: provider.arn, subject: identity.subject, audience: identity.audience, tokenHash: identity.tokenHash, tokenExpiresAt: identity.expiresAt.toISOString() },
      },
      guard: singleUseTokenGuard(accountId, identity.tokenHash, 'The web identity token was already used: a token is accepted once only. Get a new one from the identity provider.'),
    });
    return { ...issued, subjectFromWebIdentityToken: identity.subject, provider: issuer, audience: identity.audience };
  }
}
