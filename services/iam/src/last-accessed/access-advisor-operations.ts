import { randomUUID } from 'node:crypto';
import type { Database } from '@warden/db';
import { type Kysely, sql } from 'kysely';
import { loadPrincipalPolicies } from '../authorization/principal-policy-loader.js';
import type { Caller } from '../kernel/command-context.js';
import { InvalidInputError, NoSuchEntityError } from '../kernel/iam-error.js';
import { findAwsManagedPolicy } from '../policy-documents/aws-managed-policies.js';
import type { IamCore } from '../service/iam-core.js';
import { WARDEN_ACTIONS } from '../warden-actions/warden-actions.js';
import { suggestedPolicy } from './policy-suggestion.js';
import { type ActionUse, type ReportGranularity, type ServiceLastAccessed, serviceLastAccessedReport } from './service-last-accessed-report.js';

export type JobStatus = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

/** AWS's GetServiceLastAccessedDetails answer. */
export interface ServiceLastAccessedDetails {
  readonly jobId: string;
  readonly jobStatus: JobStatus;
  /** AWS's JobType: the granularity the job was generated at. */
  readonly jobType: ReportGranularity;
  readonly jobCreationDate: Date;
  readonly jobCompletionDate: Date | null;
  readonly servicesLastAccessed: readonly ServiceLastAccessed[];
  readonly error: string | null;
}

/** AWS's EntityInfo: a user or role whose use a report counts. */
export interface EntityInfo {
  readonly arn: string;
  readonly name: string;
  readonly type: 'USER' | 'ROLE';
  readonly id: string;
  readonly path: string;
}

/** AWS's EntityDetails: an entity and when it last used the service asked about (null: not in the tracking period). */
export interface EntityDetails {
  readonly entityInfo: EntityInfo;
  readonly lastAuthenticated: Date | null;
}

/** AWS's GetServiceLastAccessedDetailsWithEntities answer. */
export interface ServiceLastAccessedDetailsWithEntities {
  readonly jobStatus: JobStatus;
  readonly jobCreationDate: Date;
  readonly jobCompletionDate: Date | null;
  readonly entityDetailsList: readonly EntityDetails[];
  readonly error: string | null;
}

export interface PolicySuggestion {
  readonly principalArn: string;
  /** The period read, rounded out to whole UTC days (usage is kept per day). */
  readonly periodStart: Date;
  readonly periodEnd: Date;
  /** The actions the principal was allowed in the period, `service:Action`, sorted. */
  readonly actions: readonly string[];
  /** The least-privilege policy allowing exactly them; null when none was used. */
  readonly policyDocument: string | null;
}

/** AWS's tracking period for last accessed information (IAM User Guide: "the trailing 400 days"). */
const TRACKING_DAYS = 400;
/** Access Analyzer's longest period for policy generation. */
const MAX_SUGGESTION_DAYS = 90;
const DAY_MS = 86_400_000;

const GRANULARITIES: readonly ReportGranularity[] = ['SERVICE_LEVEL', 'ACTION_LEVEL'];
/** AWS's serviceNamespaceType: 1 to 64 characters of word characters and hyphens. */
const SERVICE_NAMESPACE = /^[\w-]{1,64}$/;

/** The entity a report is about: whose policies list the services, and whose use counts. */
interface ReportEntity {
  readonly documents: readonly string[];
  readonly principalArns: readonly string[];
}

/**
 * Access Advisor (GenerateServiceLastAccessedDetails, GetServiceLastAccessedDetails) and the policy
 * suggestion, both read from the last-accessed counts (`UsageCounters`). A job is generated in the
 * call that asks for it (a report is a few indexed reads) and stored COMPLETED, so a client that
 * polls as AWS's do gets its answer on the first Get.
 */
export class AccessAdvisorOperations {
  constructor(private readonly core: IamCore) {}

  async generateServiceLastAccessedDetails(caller: Caller, input: { arn: string; granularity?: ReportGranularity | null }): Promise<{ jobId: string }> {
    const granularity = input.granularity ?? 'SERVICE_LEVEL';
    if (!GRANULARITIES.includes(granularity)) throw new InvalidInputError(`Granularity must be one of ${GRANULARITIES.join(', ')}.`);
    // What this process counted and has not written yet is part of the report.
    await this.core.usage.flush();
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:GenerateServiceLastAccessedDetails', input.arn);
      const entity = await reportEntity(trx, caller.accountId, input.arn);
      const now = this.core.clock.now();
      const uses = await latestUses(trx, caller.accountId, entity.principalArns, dayOf(new Date(now.getTime() - TRACKING_DAYS * DAY_MS)), undefined);
      // Stored as JSON: its Dates become the ISO strings StoredReport reads back.
      const stored: Omit<StoredReport, 'services'> & { services: readonly ServiceLastAccessed[] } = {
        services: serviceLastAccessedReport(entity.documents, uses, granularity),
        entities: await entityInfos(trx, caller.accountId, entity.principalArns),
        lastUses: lastUsesByService(uses),
      };
      const jobId = randomUUID();
      await trx
        .insertInto('service_last_accessed_jobs')
        .values({
          account_id: caller.accountId,
          job_id: jobId,
          entity_arn: input.arn,
          granularity,
          status: 'COMPLETED',
          created_at: now,
          completed_at: now,
          report: JSON.stringify(stored),
          error: null,
        })
        .execute();
      return { jobId };
    });
  }

  async serviceLastAccessedDetails(caller: Caller, jobId: string): Promise<ServiceLastAccessedDetails> {
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:GetServiceLastAccessedDetails', '*');
      const { row, report } = await storedJob(trx, caller.accountId, jobId);
      return {
        jobId,
        jobStatus: row.status,
        jobType: row.granularity,
        jobCreationDate: row.created_at,
        jobCompletionDate: row.completed_at,
        servicesLastAccessed: report.services.map(revived),
        error: row.error,
      };
    });
  }

  /**
   * AWS's GetServiceLastAccessedDetailsWithEntities: the users and roles whose use the job counted
   * (the user or role itself; a group's members; the users, groups' members and roles a policy is
   * attached to) that could have used `serviceNamespace` through the job's policies, each with its
   * last use of it, the most recent first and those that never used it after them. A service the
   * job's policies do not allow has no such entity.
   */
  async serviceLastAccessedDetailsWithEntities(caller: Caller, input: { jobId: string; serviceNamespace: string }): Promise<ServiceLastAccessedDetailsWithEntities> {
    if (!SERVICE_NAMESPACE.test(input.serviceNamespace)) throw new InvalidInputError('ServiceNamespace must be 1 to 64 letters, digits, underscores and hyphens.');
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:GetServiceLastAccessedDetailsWithEntities', '*');
      const { row, report } = await storedJob(trx, caller.accountId, input.jobId);
      const allowed = report.services.some((service) => service.serviceNamespace === input.serviceNamespace);
      const used = report.lastUses[input.serviceNamespace] ?? {};
      const entityDetailsList = allowed
        ? report.entities
            .map((entityInfo) => ({ entityInfo, lastAuthenticated: used[entityInfo.arn] === undefined ? null : new Date(used[entityInfo.arn]!) }))
            .sort(
              (a, b) =>
                (b.lastAuthenticated?.getTime() ?? -Infinity) - (a.lastAuthenticated?.getTime() ?? -Infinity) ||
                (a.entityInfo.arn < b.entityInfo.arn ? -1 : a.entityInfo.arn > b.entityInfo.arn ? 1 : 0),
            )
        : [];
      return { jobStatus: row.status, jobCreationDate: row.created_at, jobCompletionDate: row.completed_at, entityDetailsList, error: row.error };
    });
  }

  /**
   * A least-privilege policy from the actions `principalArn` (a user or role of the caller's
   * account) was allowed in [from, to), read by whole UTC days.
   */
  async policySuggestion(caller: Caller, input: { principalArn: string; from: Date; to: Date }): Promise<PolicySuggestion> {
    const { from, to } = input;
    if (!(from.getTime() < to.getTime())) throw new InvalidInputError('from must be before to.');
    if (to.getTime() - from.getTime() > MAX_SUGGESTION_DAYS * DAY_MS) throw new InvalidInputError(`The period may be at most ${MAX_SUGGESTION_DAYS} days.`);
    await this.core.usage.flush();
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, WARDEN_ACTIONS.GetPolicySuggestion.action, input.principalArn);
      if (!/^arn:[^:]+:iam::[^:]+:(user|role)\//.test(input.principalArn)) throw new InvalidInputError('principalArn must be the ARN of a user or a role.');
      const entity = await reportEntity(trx, caller.accountId, input.principalArn);
      const firstDay = dayOf(from);
      // `to` is exclusive: the last day read is the one holding the instant just before it.
      const lastDay = dayOf(new Date(to.getTime() - 1));
      const uses = await latestUses(trx, caller.accountId, entity.principalArns, firstDay, lastDay);
      const actions = [...new Set(uses.map((use) => use.action))].sort();
      return {
        principalArn: input.principalArn,
        periodStart: new Date(`${firstDay}T00:00:00Z`),
        periodEnd: new Date(new Date(`${lastDay}T00:00:00Z`).getTime() + DAY_MS),
        actions,
        policyDocument: suggestedPolicy(actions) ?? null,
      };
    });
  }
}

type StoredService = Omit<ServiceLastAccessed, 'lastAuthenticated' | 'trackedActionsLastAccessed'> & {
  readonly lastAuthenticated: string | null;
  readonly trackedActionsLastAccessed: readonly { actionName: string; lastAccessedEntity: string | null; lastAccessedTime: string | null; lastAccessedRegion: string | null }[] | null;
};

/**
 * What a job stores: its report, the entities whose use it counted, and each one's last use of each
 * service (ISO times by namespace, then ARN). Jobs stored before the entities were kept hold the
 * report alone: they list no entity.
 */
interface StoredReport {
  readonly services: readonly StoredService[];
  readonly entities: readonly EntityInfo[];
  readonly lastUses: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** A job of the account by id (row security keeps another account's out of sight: NoSuchEntity, as a job that never was). */
async function storedJob(trx: Kysely<Database>, accountId: string, jobId: string) {
  const row = await trx.selectFrom('service_last_accessed_jobs').selectAll().where('account_id', '=', accountId).where('job_id', '=', jobId).executeTakeFirst();
  if (!row) throw new NoSuchEntityError(`No service last accessed job ${jobId} exists in account ${accountId}.`);
  const stored = (typeof row.report === 'string' ? JSON.parse(row.report) : (row.report ?? [])) as StoredReport | StoredService[];
  const report: StoredReport = Array.isArray(stored) ? { services: stored, entities: [], lastUses: {} } : stored;
  return { row, report };
}

/** Each principal's latest use of each service, by namespace then principal ARN. */
function lastUsesByService(uses: readonly ActionUse[]): Record<string, Record<string, string>> {
  const latest: Record<string, Record<string, Date>> = {};
  for (const use of uses) {
    const namespace = use.action.slice(0, use.action.indexOf(':'));
    const byPrincipal = (latest[namespace] ??= {});
    const known = byPrincipal[use.principalArn];
    if (!known || use.at.getTime() > known.getTime()) byPrincipal[use.principalArn] = use.at;
  }
  return Object.fromEntries(Object.entries(latest).map(([namespace, byPrincipal]) => [namespace, Object.fromEntries(Object.entries(byPrincipal).map(([arn, at]) => [arn, at.toISOString()]))]));
}

/** The users and roles of the account with these ARNs, as AWS's EntityInfo. */
async function entityInfos(trx: Kysely<Database>, accountId: string, arns: readonly string[]): Promise<EntityInfo[]> {
  if (arns.length === 0) return [];
  const { rows } = await sql<EntityInfo>`
    SELECT arn, user_name AS name, 'USER' AS type, user_id AS id, path FROM users WHERE account_id = ${accountId} AND arn = ANY(${[...arns]}::text[])
    UNION ALL
    SELECT arn, role_name AS name, 'ROLE' AS type, role_id AS id, path FROM roles WHERE account_id = ${accountId} AND arn = ANY(${[...arns]}::text[])
    ORDER BY arn`.execute(trx);
  return rows.map((row) => ({ arn: row.arn, name: row.name, type: row.type, id: row.id, path: row.path }));
}

/** A stored report's service with its times as Dates again. */
function revived(service: StoredService): ServiceLastAccessed {
  return {
    ...service,
    lastAuthenticated: service.lastAuthenticated === null ? null : new Date(service.lastAuthenticated),
    trackedActionsLastAccessed:
      service.trackedActionsLastAccessed?.map((action) => ({ ...action, lastAccessedTime: action.lastAccessedTime === null ? null : new Date(action.lastAccessedTime) })) ?? null,
  };
}

const ENTITY_ARN = /^arn:[^:]+:iam::([^:]+):(user|group|role|policy)\/(?:.*\/)?[^/]+$/;

/**
 * A user, group, role or managed policy of `accountId` by ARN (an AWS managed policy too: its
 * report is about this account's principals it is attached to), else NoSuchEntity.
 */
async function reportEntity(trx: Kysely<Database>, accountId: string, arn: string): Promise<ReportEntity> {
  const match = ENTITY_ARN.exec(arn);
  const missing = new NoSuchEntityError(`No user, group, role or managed policy with ARN ${arn} exists in account ${accountId}.`);
  if (!match) throw new InvalidInputError(`${arn} is not the ARN of an IAM user, group, role or policy.`);
  const [, owner, type] = match as unknown as [string, string, 'user' | 'group' | 'role' | 'policy'];
  if (owner !== accountId && !(type === 'policy' && owner === 'aws')) throw missing;
  if (type === 'user' || type === 'role') {
    const policies = await loadPrincipalPolicies(trx, { accountId, type, arn });
    if (!policies.principal) throw missing;
    return { documents: policies.identityPolicies.map((policy) => policy.document), principalArns: [policies.principal.arn] };
  }
  if (type === 'group') {
    const group = await trx.selectFrom('groups').select('group_id').where('account_id', '=', accountId).where('arn', '=', arn).executeTakeFirst();
    if (!group) throw missing;
    const policies = await loadPrincipalPolicies(trx, { accountId, type: 'group', id: group.group_id });
    const members = await trx
      .selectFrom('group_memberships as m')
      .innerJoin('users as u', (join) => join.onRef('u.account_id', '=', 'm.account_id').onRef('u.user_id', '=', 'm.user_id'))
      .select('u.arn')
      .where('m.account_id', '=', accountId)
      .where('m.group_id', '=', group.group_id)
      .execute();
    return { documents: policies.identityPolicies.map((policy) => policy.document), principalArns: members.map((member) => member.arn) };
  }
  const document = await managedPolicyDocument(trx, accountId, arn);
  if (document === undefined) throw missing;
  return { documents: [document], principalArns: await attachedPrincipals(trx, accountId, arn) };
}

async function managedPolicyDocument(trx: Kysely<Database>, accountId: string, arn: string): Promise<string | undefined> {
  const awsManaged = findAwsManagedPolicy(arn);
  if (awsManaged) return awsManaged.document;
  const row = await trx
    .selectFrom('policies as p')
    .innerJoin('policy_versions as v', (join) => join.onRef('v.account_id', '=', 'p.account_id').onRef('v.policy_id', '=', 'p.policy_id').onRef('v.version_id', '=', 'p.default_version_id'))
    .select('v.document')
    .where('p.account_id', '=', accountId)
    .where('p.arn', '=', arn)
    .executeTakeFirst();
  return row?.document;
}

/** The users and roles a managed policy is attached to, and the members of the groups it is attached to. */
async function attachedPrincipals(trx: Kysely<Database>, accountId: string, policyArn: string): Promise<string[]> {
  const { rows } = await sql<{ arn: string }>`
    SELECT u.arn FROM policy_attachments a JOIN users u ON u.account_id = a.account_id AND u.user_id = a.principal_id
     WHERE a.account_id = ${accountId} AND a.policy_arn = ${policyArn} AND a.principal_type = 'user'
    UNION
    SELECT r.arn FROM policy_attachments a JOIN roles r ON r.account_id = a.account_id AND r.role_id = a.principal_id
     WHERE a.account_id = ${accountId} AND a.policy_arn = ${policyArn} AND a.principal_type = 'role'
    UNION
    SELECT u.arn FROM policy_attachments a
      JOIN group_memberships m ON m.account_id = a.account_id AND m.group_id = a.principal_id
      JOIN users u ON u.account_id = m.account_id AND u.user_id = m.user_id
     WHERE a.account_id = ${accountId} AND a.policy_arn = ${policyArn} AND a.principal_type = 'group'`.execute(trx);
  return rows.map((row) => row.arn);
}

/** Each principal's latest use of each action in the days [firstDay, lastDay] (lastDay undefined: up to now). */
async function latestUses(trx: Kysely<Database>, accountId: string, principalArns: readonly string[], firstDay: string, lastDay: string | undefined): Promise<ActionUse[]> {
  if (principalArns.length === 0) return [];
  let query = trx
    .selectFrom('action_usage')
    .select(['principal_arn', 'action'])
    .select((eb) => [eb.fn.max('last_accessed_at').as('at')])
    .select(sql<string>`(array_agg(region ORDER BY last_accessed_at DESC))[1]`.as('region'))
    .where('account_id', '=', accountId)
    .where('principal_arn', 'in', [...principalArns])
    .where('day', '>=', firstDay)
    .groupBy(['principal_arn', 'action']);
  if (lastDay !== undefined) query = query.where('day', '<=', lastDay);
  const rows = await query.execute();
  return rows.map((row) => ({ principalArn: row.principal_arn, action: row.action, at: new Date(row.at as unknown as string | Date), region: row.region }));
}

/** The UTC day of an instant, `YYYY-MM-DD`. */
function dayOf(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}
