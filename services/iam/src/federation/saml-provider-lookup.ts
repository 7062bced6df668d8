import { X509Certificate } from 'node:crypto';
import { findSamlProviderByArn } from '../saml-providers/saml-provider-repository.js';
import type { SamlProviderLookup } from './saml-operations.js';

/**
 * The SAML providers AssumeRoleWithSAML trusts: the IAM SAML provider entities of the store, with
 * the signing certificates their metadata held (kept as base64 DER when the metadata was read) as
 * the PEM xml-crypto verifies with.
 */
export const storedSamlProviders: SamlProviderLookup = {
  async findSamlProvider(db, accountId, arn) {
    const provider = await findSamlProviderByArn(db, accountId, arn);
    if (!provider) return undefined;
    return {
      arn: provider.arn,
      name: provider.name,
      entityId: provider.entityId,
      signingCertificatesPem: provider.signingCertificates.map((der) => new X509Certificate(Buffer.from(der, 'base64')).toString()),
    };
  },
};
