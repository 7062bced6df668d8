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
      const report = serviceLastAccessedReport(entity.documents, uses, granularity);
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
          report: JSON.stringify(report),
          error: null,
        })
        .execute();
      return { jobId };
    });
  }

  async serviceLastAccessedDetails(caller: Caller, jobId: string): Promise<ServiceLastAccessedDetails> {
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:GetServiceLastAccessedDetails', '*');
      // Row security keeps another account's job out of sight: it is NoSuchEntity, as a job that never was.
      const row = await trx.selectFrom('service_last_accessed_jobs').selectAll().where('account_id', '=', caller.accountId).where('job_id', '=', jobId).executeTakeFirst();
      if (!row) throw new NoSuchEntityError(`No service last accessed job ${jobId} exists in account ${caller.accountId}.`);
      const report = (typeof row.report === 'string' ? JSON.parse(row.report) : (row.report ?? [])) as StoredService[];
      return {
        jobId,
        jobStatus: row.status,
        jobType: row.granularity,
        jobCreationDate: row.created_at,
        jobCompletionDate: row.completed_at,
        servicesLastAccessed: report.map(revived),
        error: row.error,
      };
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
