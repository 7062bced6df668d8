import type { SamlProvider } from '@warden/iam';
import { validationError } from './aws-errors.js';
import { awsTime, members, tagList, type XmlObject } from './aws-shapes.js';
import { actionsOf, noResult, type QueryAction } from './query-action.js';
import { MAX_ITEMS, pageOfAll, pageRequest, tagsPageResult } from './query-pagination.js';
import type { QueryParameters } from './query-parameters.js';

/**
 * IAM's SAML provider actions over the Query protocol, by the names, parameters and result members
 * of AWS's IAM service model (CreateSAMLProvider … ListSAMLProviderTags). A provider is addressed by
 * `SAMLProviderArn`. AWS's assertion encryption (AssertionEncryptionMode, AddPrivateKey,
 * RemovePrivateKey) and IAM Identity Center parameters are not kept by Warden, so a request that
 * sets one is refused rather than half done.
 */
const iam = actionsOf('iam');

const UNSUPPORTED = ['AssertionEncryptionMode', 'AddPrivateKey', 'RemovePrivateKey', 'IdentityCenterInstanceArn', 'RemoveIdentityCenterInstance', 'RemoveContextProvider'];

function refuseUnsupported(p: QueryParameters, action: string): void {
  const given = [...UNSUPPORTED.filter((name) => p.optional(name) !== undefined), ...(p.hasMembersOf('ContextProvider') ? ['ContextProvider'] : [])];
  if (given.length > 0) throw validationError(`${action} here takes no ${given.join(', ')}: Warden's SAML providers verify signed, unencrypted assertions only.`);
}

const providerArn = (p: QueryParameters) => p.required('SAMLProviderArn');

/** AWS's GetSAMLProvider result: the document as given, its dates, its tags. */
function samlProviderShape(provider: SamlProvider): XmlObject {
  return {
    SAMLProviderUUID: provider.providerId,
    SAMLMetadataDocument: provider.metadataDocument,
    CreateDate: awsTime(provider.createdAt),
    ValidUntil: provider.validUntil ? awsTime(provider.validUntil) : undefined,
    Tags: provider.tags.length > 0 ? tagList(provider.tags) : undefined,
  };
}

export const IAM_SAML_PROVIDER_ACTIONS = {
  CreateSAMLProvider: iam(
    (p) => (refuseUnsupported(p, 'CreateSAMLProvider'), { name: p.required('Name'), samlMetadataDocument: p.required('SAMLMetadataDocument'), tags: p.tags('Tags') }),
    (service, caller, input) => service.samlProviders.create(caller, input),
    (provider) => ({ SAMLProviderArn: provider.arn, Tags: provider.tags.length > 0 ? tagList(provider.tags) : undefined }),
  ),
  GetSAMLProvider: iam(providerArn, (service, caller, arn) => service.samlProviders.get(caller, arn), samlProviderShape),
  // AWS's ListSAMLProviders has no paging: the account's providers come whole (AWS's quota is 100), read a page at a time.
  ListSAMLProviders: iam(
    () => undefined,
    async (service, caller) => {
      const providers: SamlProvider[] = [];
      for (;;) {
        const page = await service.samlProviders.list(caller, { after: providers.at(-1)?.name ?? null, first: MAX_ITEMS });
        providers.push(...page);
        if (page.length < MAX_ITEMS) return providers;
      }
    },
    (providers) => ({
      SAMLProviderList: members(
        providers.map((provider) => ({ Arn: provider.arn, ValidUntil: provider.validUntil ? awsTime(provider.validUntil) : undefined, CreateDate: awsTime(provider.createdAt) })),
      ),
    }),
  ),
  UpdateSAMLProvider: iam(
    (p) => (refuseUnsupported(p, 'UpdateSAMLProvider'), { arn: p.required('SAMLProviderArn'), samlMetadataDocument: p.required('SAMLMetadataDocument') }),
    (service, caller, input) => service.samlProviders.update(caller, input.arn, input.samlMetadataDocument),
    (_none, input) => ({ SAMLProviderArn: input.arn }),
  ),
  DeleteSAMLProvider: iam(providerArn, (service, caller, arn) => service.samlProviders.delete(caller, arn), noResult),
  TagSAMLProvider: iam(
    (p) => ({ arn: p.required('SAMLProviderArn'), tags: p.tags('Tags') }),
    (service, caller, input) => service.samlProviders.tag(caller, input.arn, input.tags),
    noResult,
  ),
  UntagSAMLProvider: iam(
    (p) => ({ arn: p.required('SAMLProviderArn'), tagKeys: p.list('TagKeys') }),
    (service, caller, input) => service.samlProviders.untag(caller, input.arn, input.tagKeys),
    noResult,
  ),
  ListSAMLProviderTags: iam(
    (p) => ({ arn: p.required('SAMLProviderArn'), page: pageRequest(p) }),
    async (service, caller, input) => pageOfAll(await service.samlProviders.tagsOf(caller, input.arn), input.page, (tag) => tag.key),
    (tags, input) => tagsPageResult(tags, input.page),
  ),
} satisfies Record<string, QueryAction>;
