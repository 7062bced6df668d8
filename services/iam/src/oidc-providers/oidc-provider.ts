import type { Tag } from '../naming/index.js';

/** An IAM OpenID Connect identity provider: an issuer whose tokens AssumeRoleWithWebIdentity accepts for roles that trust it. */
export interface OidcProvider {
  readonly accountId: string;
  /** arn:PARTITION:iam::ACCOUNT:oidc-provider/URL */
  readonly arn: string;
  /** The issuer without `https://`, as AWS's GetOpenIDConnectProvider answers it. */
  readonly url: string;
  readonly clientIds: readonly string[];
  readonly thumbprints: readonly string[];
  readonly tags: readonly Tag[];
  readonly createdAt: Date;
}
