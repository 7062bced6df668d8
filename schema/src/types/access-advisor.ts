import type { EntityDetails, EntityInfo, PolicySuggestion, ServiceLastAccessed, ServiceLastAccessedDetails, ServiceLastAccessedDetailsWithEntities, TrackedActionLastAccessed } from '@warden/iam';
import { builder } from '../builder.js';
import { mutationErrors, queryErrors } from './result-names.js';

const GranularityRef = builder.enumType('AccessAdvisorGranularity', {
  description: "AWS's AccessAdvisorUsageGranularityType: a report of services, or of services and their tracked actions.",
  values: ['SERVICE_LEVEL', 'ACTION_LEVEL'] as const,
});

const JobStatusRef = builder.enumType('AccessAdvisorJobStatus', {
  description: "AWS's JobStatusType. Warden generates a report in the call that asks for it, so a job is COMPLETED (or FAILED) when first read.",
  values: ['IN_PROGRESS', 'COMPLETED', 'FAILED'] as const,
});

const TrackedActionRef = builder.objectRef<TrackedActionLastAccessed>('TrackedActionLastAccessed').implement({
  description: "AWS's TrackedActionLastAccessed: an action of the service (used, or named by the entity's policies) and its latest use; null times when not used in the tracking period.",
  fields: (t) => ({
    actionName: t.exposeString('actionName'),
    lastAccessedEntity: t.exposeString('lastAccessedEntity', { nullable: true }),
    lastAccessedTime: t.field({ type: 'DateTime', nullable: true, resolve: (action) => action.lastAccessedTime }),
    lastAccessedRegion: t.exposeString('lastAccessedRegion', { nullable: true }),
  }),
});

const ServiceLastAccessedRef = builder.objectRef<ServiceLastAccessed>('ServiceLastAccessed').implement({
  description:
    "AWS's ServiceLastAccessed: a service the entity's policies allow, with the latest time one of its principals (the user or role; a group's members; the principals a policy is attached to) was allowed an action of it, in the trailing 400 days.",
  fields: (t) => ({
    serviceName: t.exposeString('serviceName'),
    serviceNamespace: t.exposeString('serviceNamespace'),
    lastAuthenticated: t.field({ type: 'DateTime', nullable: true, resolve: (service) => service.lastAuthenticated }),
    lastAuthenticatedEntity: t.exposeString('lastAuthenticatedEntity', { nullable: true }),
    lastAuthenticatedRegion: t.exposeString('lastAuthenticatedRegion', { nullable: true }),
    totalAuthenticatedEntities: t.exposeInt('totalAuthenticatedEntities', { nullable: true }),
    trackedActionsLastAccessed: t.field({
      type: [TrackedActionRef],
      nullable: true,
      description: 'Null at SERVICE_LEVEL, and for a service with no action to report.',
      resolve: (service) => service.trackedActionsLastAccessed,
    }),
  }),
});

const DetailsRef = builder.objectRef<ServiceLastAccessedDetails>('ServiceLastAccessedDetails').implement({
  description: "AWS's GetServiceLastAccessedDetails answer.",
  fields: (t) => ({
    jobId: t.exposeString('jobId'),
    jobStatus: t.field({ type: JobStatusRef, resolve: (details) => details.jobStatus }),
    jobType: t.field({ type: GranularityRef, resolve: (details) => details.jobType }),
    jobCreationDate: t.field({ type: 'DateTime', resolve: (details) => details.jobCreationDate }),
    jobCompletionDate: t.field({ type: 'DateTime', nullable: true, resolve: (details) => details.jobCompletionDate }),
    servicesLastAccessed: t.field({ type: [ServiceLastAccessedRef], resolve: (details) => details.servicesLastAccessed }),
    error: t.exposeString('error', { nullable: true }),
  }),
});

const EntityTypeRef = builder.enumType('AccessAdvisorEntityType', {
  description: "The kinds of AWS's policyOwnerEntityType a report's entity is: a user or a role whose use was counted.",
  values: ['USER', 'ROLE'] as const,
});

const EntityInfoRef = builder.objectRef<EntityInfo>('AccessAdvisorEntityInfo').implement({
  description: "AWS's EntityInfo: a user or role whose use a report counts.",
  fields: (t) => ({
    arn: t.exposeString('arn'),
    name: t.exposeString('name'),
    type: t.field({ type: EntityTypeRef, resolve: (entity) => entity.type }),
    id: t.exposeString('id'),
    path: t.exposeString('path'),
  }),
});

const EntityDetailsRef = builder.objectRef<EntityDetails>('AccessAdvisorEntityDetails').implement({
  description: "AWS's EntityDetails: an entity and when it last used the service; null when not in the tracking period.",
  fields: (t) => ({
    entityInfo: t.field({ type: EntityInfoRef, resolve: (details) => details.entityInfo }),
    lastAuthenticated: t.field({ type: 'DateTime', nullable: true, resolve: (details) => details.lastAuthenticated }),
  }),
});

const DetailsWithEntitiesRef = builder.objectRef<ServiceLastAccessedDetailsWithEntities>('ServiceLastAccessedDetailsWithEntities').implement({
  description: "AWS's GetServiceLastAccessedDetailsWithEntities answer.",
  fields: (t) => ({
    jobStatus: t.field({ type: JobStatusRef, resolve: (details) => details.jobStatus }),
    jobCreationDate: t.field({ type: 'DateTime', resolve: (details) => details.jobCreationDate }),
    jobCompletionDate: t.field({ type: 'DateTime', nullable: true, resolve: (details) => details.jobCompletionDate }),
    entityDetailsList: t.field({
      type: [EntityDetailsRef],
      description: 'The most recent use first, then the entities that never used the service, by ARN.',
      resolve: (details) => details.entityDetailsList,
    }),
    error: t.exposeString('error', { nullable: true }),
  }),
});

const GeneratedJobRef = builder.objectRef<{ jobId: string }>('GeneratedServiceLastAccessedDetails').implement({
  fields: (t) => ({ jobId: t.exposeString('jobId') }),
});

const PolicySuggestionRef = builder.objectRef<PolicySuggestion>('PolicySuggestion').implement({
  description: "A least-privilege policy from the actions a principal was allowed over a period (Access Analyzer's policy generation).",
  fields: (t) => ({
    principalArn: t.exposeString('principalArn'),
    periodStart: t.field({ type: 'DateTime', description: 'The period read, rounded out to whole UTC days: its first instant.', resolve: (suggestion) => suggestion.periodStart }),
    periodEnd: t.field({ type: 'DateTime', description: 'The end of the period read (exclusive), at a UTC midnight.', resolve: (suggestion) => suggestion.periodEnd }),
    actions: t.exposeStringList('actions', { description: 'The actions the principal was allowed in the period, sorted.' }),
    policyDocument: t.exposeString('policyDocument', {
      nullable: true,
      description: 'An identity policy allowing exactly those actions, one statement per service, on every resource (usage is counted per action, not per resource); null when none was used.',
    }),
  }),
});

builder.mutationField('generateServiceLastAccessedDetails', (t) =>
  t.field({
    type: GeneratedJobRef,
    errors: mutationErrors('generateServiceLastAccessedDetails'),
    description:
      "AWS's GenerateServiceLastAccessedDetails (iam:GenerateServiceLastAccessedDetails on the entity): a report of when a user, group, role or managed policy of the caller's account last used each service its policies allow. Read it with serviceLastAccessedDetails(jobId).",
    args: {
      input: t.arg({
        type: builder.inputType('GenerateServiceLastAccessedDetailsInput', {
          fields: (f) => ({
            arn: f.string({ required: true, description: 'The user, group, role or managed policy.' }),
            granularity: f.field({ type: GranularityRef, required: false, description: 'SERVICE_LEVEL by default.' }),
          }),
        }),
        required: true,
      }),
    },
    resolve: (_r, { input }, { iam, caller }) => iam.accessAdvisor.generateServiceLastAccessedDetails(caller, { arn: input.arn, granularity: input.granularity ?? null }),
  }),
);

builder.queryField('serviceLastAccessedDetails', (t) =>
  t.field({
    type: DetailsRef,
    errors: queryErrors('serviceLastAccessedDetails'),
    description: "AWS's GetServiceLastAccessedDetails (iam:GetServiceLastAccessedDetails): a report generated in the caller's account; another account's job id is NoSuchEntityError.",
    args: { jobId: t.arg.string({ required: true }) },
    resolve: (_r, args, { iam, caller }) => iam.accessAdvisor.serviceLastAccessedDetails(caller, args.jobId),
  }),
);

builder.queryField('serviceLastAccessedDetailsWithEntities', (t) =>
  t.field({
    type: DetailsWithEntitiesRef,
    errors: queryErrors('serviceLastAccessedDetailsWithEntities'),
    description:
      "AWS's GetServiceLastAccessedDetailsWithEntities (iam:GetServiceLastAccessedDetailsWithEntities): the users and roles a report counted that could have used one service (a group's members; the users, groups' members and roles a policy is attached to; the user or role itself), each with its last use of it.",
    args: { jobId: t.arg.string({ required: true }), serviceNamespace: t.arg.string({ required: true }) },
    resolve: (_r, args, { iam, caller }) => iam.accessAdvisor.serviceLastAccessedDetailsWithEntities(caller, { jobId: args.jobId, serviceNamespace: args.serviceNamespace }),
  }),
);

builder.queryField('policySuggestion', (t) =>
  t.field({
    type: PolicySuggestionRef,
    errors: queryErrors('policySuggestion'),
    description:
      "A least-privilege policy (warden:GetPolicySuggestion on the principal) from the actions a user or role of the caller's account was allowed in [from, to), at most 90 days, read by whole UTC days.",
    args: {
      principalArn: t.arg.string({ required: true }),
      from: t.arg({ type: 'DateTime', required: true }),
      to: t.arg({ type: 'DateTime', required: true }),
    },
    resolve: (_r, args, { iam, caller }) => iam.accessAdvisor.policySuggestion(caller, { principalArn: args.principalArn, from: args.from, to: args.to }),
  }),
);
