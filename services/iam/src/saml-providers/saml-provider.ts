import type { Tag } from '../naming/index.js';

/** An IAM SAML identity provider: an IdP whose signed assertions AssumeRoleWithSAML accepts for roles that trust it. */
export interface SamlProvider {
  readonly accountId: string;
  /** arn:PARTITION:iam::ACCOUNT:saml-provider/NAME */
  readonly arn: string;
  readonly name: string;
  /** The provider's unique id (AWS's SAMLProviderUUID). */
  readonly providerId: string;
  /** The metadata document as it was last given. */
  readonly metadataDocument: string;
  /** The IdP's entityID: the Issuer its assertions name. */
  readonly entityId: string;
  /** The certificates the IdP signs with, each its DER in base64. */
  readonly signingCertificates: readonly string[];
  /** The metadata's validUntil, when it has one (AWS's ValidUntil). */
  readonly validUntil: Date | null;
  readonly tags: readonly Tag[];
  readonly createdAt: Date;
}
