import type { EntityDetails, ServiceLastAccessed, TrackedActionLastAccessed } from '@warden/iam';
import { awsTime, members, type XmlObject } from './aws-shapes.js';
import { actionsOf, type QueryAction } from './query-action.js';
import { pageCut, pageOfAll, pageRequest } from './query-pagination.js';

/**
 * Access Advisor over the Query protocol: GenerateServiceLastAccessedDetails,
 * GetServiceLastAccessedDetails and GetServiceLastAccessedDetailsWithEntities, calling the
 * IamService operations GraphQL's resolvers call.
 */
const iam = actionsOf('iam');

const GRANULARITIES = ['SERVICE_LEVEL', 'ACTION_LEVEL'] as const;
const namespaceOf = (service: ServiceLastAccessed) => service.serviceNamespace;
const entityArnOf = (details: EntityDetails) => details.entityInfo.arn;

/** AWS's EntityDetails, members in the model's order. */
function entityDetailsShape(details: EntityDetails): XmlObject {
  const { arn, name, type, id, path } = details.entityInfo;
  return {
    EntityInfo: { Arn: arn, Name: name, Type: type, Id: id, Path: path },
    LastAuthenticated: details.lastAuthenticated ? awsTime(details.lastAuthenticated) : undefined,
  };
}

/** AWS's TrackedActionLastAccessed, an absent member left out. */
function trackedActionShape(action: TrackedActionLastAccessed): XmlObject {
  return {
    ActionName: action.actionName,
    LastAccessedEntity: action.lastAccessedEntity ?? undefined,
    LastAccessedRegion: action.lastAccessedRegion ?? undefined,
    LastAccessedTime: action.lastAccessedTime ? awsTime(action.lastAccessedTime) : undefined,
  };
}

/** AWS's ServiceLastAccessed, members in the model's order. */
function serviceLastAccessedShape(service: ServiceLastAccessed): XmlObject {
  return {
    ServiceName: service.serviceName,
    LastAuthenticated: service.lastAuthenticated ? awsTime(service.lastAuthenticated) : undefined,
    ServiceNamespace: service.serviceNamespace,
    LastAuthenticatedEntity: service.lastAuthenticatedEntity ?? undefined,
    LastAuthenticatedRegion: service.lastAuthenticatedRegion ?? undefined,
    TotalAuthenticatedEntities: service.totalAuthenticatedEntities ?? undefined,
    TrackedActionsLastAccessed: service.trackedActionsLastAccessed ? members(service.trackedActionsLastAccessed.map(trackedActionShape)) : undefined,
  };
}

export const IAM_ACCESS_ADVISOR_ACTIONS: Readonly<Record<string, QueryAction>> = {
  GenerateServiceLastAccessedDetails: iam(
    (p) => ({ arn: p.required('Arn'), granularity: p.oneOf('Granularity', GRANULARITIES) ?? null }),
    (service, caller, input) => service.accessAdvisor.generateServiceLastAccessedDetails(caller, input),
    (generated) => ({ JobId: generated.jobId }),
  ),
  GetServiceLastAccessedDetails: iam(
    (p) => ({ jobId: p.required('JobId'), page: pageRequest(p) }),
    async (service, caller, input) => {
      const details = await service.accessAdvisor.serviceLastAccessedDetails(caller, input.jobId);
      return { details, services: pageOfAll(details.servicesLastAccessed, input.page, namespaceOf) };
    },
    ({ details, services }, input) => {
      const { items, paging } = pageCut(services, input.page, namespaceOf);
      return {
        JobStatus: details.jobStatus,
        JobType: details.jobType,
        JobCreationDate: awsTime(details.jobCreationDate),
        ServicesLastAccessed: members(items.map(serviceLastAccessedShape)),
        JobCompletionDate: details.jobCompletionDate ? awsTime(details.jobCompletionDate) : undefined,
        ...paging,
        Error: details.error === null ? undefined : { Message: details.error, Code: 'GenerationFailed' },
      };
    },
  ),
  GetServiceLastAccessedDetailsWithEntities: iam(
    (p) => ({ jobId: p.required('JobId'), serviceNamespace: p.required('ServiceNamespace'), page: pageRequest(p) }),
    async (service, caller, input) => {
      const details = await service.accessAdvisor.serviceLastAccessedDetailsWithEntities(caller, input);
      return { details, entities: pageOfAll(details.entityDetailsList, input.page, entityArnOf) };
    },
    ({ details, entities }, input) => {
      const { items, paging } = pageCut(entities, input.page, entityArnOf);
      return {
        JobStatus: details.jobStatus,
        JobCreationDate: awsTime(details.jobCreationDate),
        JobCompletionDate: details.jobCompletionDate ? awsTime(details.jobCompletionDate) : undefined,
        EntityDetailsList: members(items.map(entityDetailsShape)),
        ...paging,
        Error: details.error === null ? undefined : { Message: details.error, Code: 'GenerationFailed' },
      };
    },
  ),
};
