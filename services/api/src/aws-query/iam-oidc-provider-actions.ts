import type { OidcProvider } from '@warden/iam';
import { awsTime, members, tagList, type XmlObject } from './aws-shapes.js';
import { actionsOf, noResult, type QueryAction } from './query-action.js';
import { MAX_ITEMS, pageOfAll, pageRequest, tagsPageResult } from './query-pagination.js';
import type { QueryParameters } from './query-parameters.js';

/**
 * IAM's OpenID Connect provider actions over the Query protocol, by the names, parameters and
 * result members of AWS's IAM service model (CreateOpenIDConnectProvider …
 * ListOpenIDConnectProviderTags). A provider is addressed by `OpenIDConnectProviderArn`; the same
 * operations answer GraphQL's mutations.
 */
const iam = actionsOf('iam');

const providerArn = (p: QueryParameters) => p.required('OpenIDConnectProviderArn');

/** AWS's GetOpenIDConnectProvider result. */
function oidcProviderShape(provider: OidcProvider): XmlObject {
  return {
    Url: provider.url,
    ClientIDList: members(provider.clientIds),
    ThumbprintList: members(provider.thumbprints),
    CreateDate: awsTime(provider.createdAt),
    Tags: provider.tags.length > 0 ? tagList(provider.tags) : undefined,
  };
}

export const IAM_OIDC_PROVIDER_ACTIONS = {
  CreateOpenIDConnectProvider: iam(
    (p) => ({ url: p.required('Url'), clientIdList: p.list('ClientIDList'), thumbprintList: p.list('ThumbprintList'), tags: p.tags('Tags') }),
    (service, caller, input) => service.oidcProviders.create(caller, input),
    (provider) => ({ OpenIDConnectProviderArn: provider.arn, Tags: provider.tags.length > 0 ? tagList(provider.tags) : undefined }),
  ),
  GetOpenIDConnectProvider: iam(providerArn, (service, caller, arn) => service.oidcProviders.get(caller, arn), oidcProviderShape),
  // AWS's ListOpenIDConnectProviders has no paging: the account's providers come whole (AWS's quota is 100), read a page at a time.
  ListOpenIDConnectProviders: iam(
    () => undefined,
    async (service, caller) => {
      const providers: OidcProvider[] = [];
      for (;;) {
        const page = await service.oidcProviders.list(caller, { after: providers.at(-1)?.url ?? null, first: MAX_ITEMS });
        providers.push(...page);
        if (page.length < MAX_ITEMS) return providers;
      }
    },
    (providers) => ({ OpenIDConnectProviderList: members(providers.map((provider) => ({ Arn: provider.arn }))) }),
  ),
  AddClientIDToOpenIDConnectProvider: iam(
    (p) => ({ arn: providerArn(p), clientId: p.required('ClientID') }),
    (service, caller, input) => service.oidcProviders.addClientId(caller, input.arn, input.clientId),
    noResult,
  ),
  RemoveClientIDFromOpenIDConnectProvider: iam(
    (p) => ({ arn: providerArn(p), clientId: p.required('ClientID') }),
    (service, caller, input) => service.oidcProviders.removeClientId(caller, input.arn, input.clientId),
    noResult,
  ),
  UpdateOpenIDConnectProviderThumbprint: iam(
    (p) => ({ arn: providerArn(p), thumbprints: p.list('ThumbprintList') }),
    (service, caller, input) => service.oidcProviders.updateThumbprint(caller, input.arn, input.thumbprints),
    noResult,
  ),
  DeleteOpenIDConnectProvider: iam(providerArn, (service, caller, arn) => service.oidcProviders.delete(caller, arn), noResult),
  TagOpenIDConnectProvider: iam(
    (p) => ({ arn: providerArn(p), tags: p.tags('Tags') }),
    (service, caller, input) => service.oidcProviders.tag(caller, input.arn, input.tags),
    noResult,
  ),
  UntagOpenIDConnectProvider: iam(
    (p) => ({ arn: providerArn(p), tagKeys: p.list('TagKeys') }),
    (service, caller, input) => service.oidcProviders.untag(caller, input.arn, input.tagKeys),
    noResult,
  ),
  ListOpenIDConnectProviderTags: iam(
    (p) => ({ arn: providerArn(p), page: pageRequest(p) }),
    async (service, caller, input) => pageOfAll(await service.oidcProviders.tagsOf(caller, input.arn), input.page, (tag) => tag.key),
    (tags, input) => tagsPageResult(tags, input.page),
  ),
} satisfies Record<string, QueryAction>;
