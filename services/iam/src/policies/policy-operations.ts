import { type Database, streamLockKey } from '@warden/db';
import type { Transaction } from 'kysely';
import { entityArn } from '../kernel/arns.js';
import type { Caller } from '../kernel/command-context.js';
import { InvalidInputError, NoSuchEntityError } from '../kernel/iam-error.js';
import { type IamCore, QUOTA_LOCKS } from '../service/iam-core.js';
import { policyArnKey } from '../kernel/lock-keys.js';
import { appendTo, type Written } from '../service/write-spec.js';
import { nameKey } from '../naming/index.js';
import { awsManagedPolicyEntities, findAwsManagedPolicyEntity } from './aws-managed-policy-entities.js';
import type { ListedPolicy, ManagedPolicy, PolicyListFilter, PolicyUsage } from './managed-policy.js';
import { parsePolicyListKey } from './policy-list-key.js';
import { type ManagedPolicyCommand, managedPolicyDecider } from './managed-policy.decider.js';
import { findManagedPolicyByArn, listManagedPolicies, policyUsageCounts } from './managed-policy-repository.js';
import type { PolicyVersion } from './policy-version.js';
import { listPolicyVersions } from './policy-version-repository.js';

/** Customer-managed policies and their versions. */
export class PolicyOperations {
  constructor(private readonly core: IamCore) {}

  async create(caller: Caller, input: { policyName: string; path?: string | null; description?: string | null; policyDocument: string }): Promise<ManagedPolicy> {
    const path = input.path ?? '/';
    const policyId = this.core.newId('ANPA');
    const arn = entityArn(this.core.partition, caller.accountId, 'policy', path, input.policyName);
    const nameKey = `policy-name/${String(input.policyName).toLowerCase()}`;
    const { answer } = await this.core.write(caller, {
      locks: [QUOTA_LOCKS.customerManagedPolicies, nameKey, streamLockKey(`policy/${policyId}`)],
      // Authorized before the count, so that a caller without the permission learns nothing of it.
      permissions: () => [{ action: 'iam:CreatePolicy', resource: arn }],
      appends: async (_loaded, trx) => {
        await this.core.requireBelowQuota(trx, caller.accountId, 'policies', (await this.core.quotas(trx, caller.accountId)).customerManagedPolicies, 'PoliciesPerAccount');
        const command = { type: 'CreatePolicy' as const, policyId, policyName: input.policyName, path, arn, description: input.description ?? null, document: input.policyDocument };
        return appendTo(managedPolicyDecider, `policy/${policyId}`, command, { lockKeys: [nameKey] });
      },
      answer: async (trx) => (await findManagedPolicyByArn(trx, caller.accountId, arn))!,
    });
    return answer;
  }

  /** The policy as it is now, after a mutation the caller was allowed to make. */
  current(caller: Caller, policyArn: string): Promise<ManagedPolicy> {
    return this.core.read(caller, async (trx) => {
      const policy = await findManagedPolicyByArn(trx, caller.accountId, policyArn);
      if (!policy) throw new NoSuchEntityError(`Policy ${policyArn} does not exist.`);
      return policy;
    });
  }

  /** AWS's GetPolicy: the account's own policy by ARN, or one of Warden's AWS-managed policies (`arn:aws:iam::aws:policy/…`). */
  async get(caller: Caller, policyArn: string): Promise<ManagedPolicy> {
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:GetPolicy', policyArn);
      const policy = (await findManagedPolicyByArn(trx, caller.accountId, policyArn)) ?? findAwsManagedPolicyEntity(this.core.partition, policyArn)?.policy;
      if (!policy) throw new NoSuchEntityError(`Policy ${policyArn} does not exist.`);
      return policy;
    });
  }

  /**
   * AWS's ListPolicies: a page of the managed policies `filter` selects, the AWS-managed ones
   * first, then the account's own, each part in name-key order; `after` is the previous page's
   * last `policyListKey`. AWS's rules: Scope All (AWS's default) lists both kinds, AWS only AWS's,
   * Local only the account's; OnlyAttached keeps the policies attached to a user, group or role;
   * PolicyUsageFilter keeps those in use that way (attached as a permissions policy, or set as a
   * permissions boundary), with or without OnlyAttached (so `--only-attached
   * --policy-usage-filter PermissionsBoundary` lists the boundaries in use); PathPrefix keeps those
   * whose path starts with it.
   */
  async list(caller: Caller, options: { filter?: Partial<PolicyListFilter>; after?: string | null; first: number }): Promise<ListedPolicy[]> {
    const filter: PolicyListFilter = { scope: 'All', onlyAttached: false, pathPrefix: null, usage: null, ...options.filter };
    const after = parsePolicyListKey(options.after ?? null);
    const usedAs: PolicyUsage | null = filter.usage ?? (filter.onlyAttached ? 'PermissionsPolicy' : null);
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:ListPolicies', entityArn(this.core.partition, caller.accountId, 'policy', filter.pathPrefix ?? '/', '*'));
      const awsManaged =
        filter.scope === 'Local' || after?.awsManaged === false
          ? []
          : awsManagedPolicyEntities(this.core.partition).filter(
              (policy) => (after === null || nameKey(policy.policyName) > after.nameKey) && (filter.pathPrefix === null || policy.path.startsWith(filter.pathPrefix)),
            );
      const local =
        filter.scope === 'AWS'
          ? []
          : await listManagedPolicies(trx, caller.accountId, { after: after?.awsManaged === false ? after.nameKey : null, first: options.first, filter: { pathPrefix: filter.pathPrefix, usedAs } });
      const counts = await policyUsageCounts(
        trx,
        caller.accountId,
        [...awsManaged, ...local].map((policy) => policy.arn),
      );
      const listed = (policy: ManagedPolicy, awsManaged: boolean): ListedPolicy => ({
        ...policy,
        awsManaged,
        attachmentCount: counts.get(policy.arn)!.attachments,
        permissionsBoundaryUsageCount: counts.get(policy.arn)!.boundaries,
      });
      const inUse = (policy: ListedPolicy) => usedAs === null || (usedAs === 'PermissionsPolicy' ? policy.attachmentCount > 0 : policy.permissionsBoundaryUsageCount > 0);
      return [...awsManaged.map((policy) => listed(policy, true)).filter(inUse), ...local.map((policy) => listed(policy, false))].slice(0, options.first);
    });
  }

  /** A policy's versions; an AWS-managed policy (listed by Scope All or AWS) has its one, v1. */
  async versions(caller: Caller, policy: ManagedPolicy): Promise<PolicyVersion[]> {
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:ListPolicyVersions', policy.arn);
      const awsManaged = findAwsManagedPolicyEntity(this.core.partition, policy.arn);
      if (awsManaged) return [awsManaged.version];
      return listPolicyVersions(trx, caller.accountId, policy);
    });
  }

  /**
   * AWS's ListPolicyVersions by the policy's ARN: authorized as iam:ListPolicyVersions on the ARN
   * before the policy is looked up, so a caller without it learns nothing of the policy. An
   * AWS-managed policy has one version, v1, its document.
   */
  async versionsOf(caller: Caller, policyArn: string): Promise<PolicyVersion[]> {
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:ListPolicyVersions', policyArn);
      const policy = await findManagedPolicyByArn(trx, caller.accountId, policyArn);
      if (policy) return listPolicyVersions(trx, caller.accountId, policy);
      const awsManaged = findAwsManagedPolicyEntity(this.core.partition, policyArn);
      if (!awsManaged) throw new NoSuchEntityError(`Policy ${policyArn} does not exist.`);
      return [awsManaged.version];
    });
  }

  /** AWS's GetPolicyVersion: one version with its document, authorized as iam:GetPolicyVersion on the policy's ARN (an AWS-managed policy's v1 too). */
  async getVersion(caller: Caller, policyArn: string, versionId: string): Promise<PolicyVersion> {
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:GetPolicyVersion', policyArn);
      const policy = await findManagedPolicyByArn(trx, caller.accountId, policyArn);
      const versions = policy ? await listPolicyVersions(trx, caller.accountId, policy) : [findAwsManagedPolicyEntity(this.core.partition, policyArn)?.version].filter((found) => found !== undefined);
      const version = versions.find((candidate) => candidate.versionId === versionId);
      // AWS's sentence, the same whether the policy or only the version is missing.
      if (!version) throw new NoSuchEntityError(`Policy ${policyArn} version ${versionId} does not exist or is not attachable.`);
      return version;
    });
  }

  /**
   * One write of a policy's stream, the policy addressed by ARN: the ARN's key, which attachments
   * also take, is held from the start. The caller is authorized on the ARN before it is looked up.
   */
  private async policyMutation<Answer = undefined>(
    caller: Caller,
    policyArn: string,
    action: string,
    command: (policy: ManagedPolicy, trx: Transaction<Database>) => Promise<ManagedPolicyCommand> | ManagedPolicyCommand,
    answer?: (trx: Transaction<Database>, written: Written<unknown>, policy: ManagedPolicy) => Promise<Answer>,
  ): Promise<Answer> {
    const result = await this.core.write(caller, {
      locks: [policyArnKey(policyArn)],
      load: (trx) => findManagedPolicyByArn(trx, caller.accountId, policyArn),
      lockedAfterLoad: (policy) => (policy ? [streamLockKey(`policy/${policy.policyId}`)] : []),
      permissions: () => [{ action, resource: policyArn }],
      appends: async (policy, trx) => {
        if (!policy) throw new NoSuchEntityError(`Policy ${policyArn} does not exist.`);
        return appendTo(managedPolicyDecider, `policy/${policy.policyId}`, await command(policy, trx), { resourceArn: policy.arn });
      },
      ...(answer ? { answer: (trx: Transaction<Database>, written: Written<unknown>, policy: ManagedPolicy | undefined) => answer(trx, written, policy!) } : {}),
    });
    return result.answer;
  }

  /** The version it made, read in the same transaction (a concurrent CreatePolicyVersion cannot be mistaken for it). */
  async createVersion(caller: Caller, policyArn: string, policyDocument: string, setAsDefault: boolean): Promise<PolicyVersion> {
    return this.policyMutation(
      caller,
      policyArn,
      'iam:CreatePolicyVersion',
      async (_policy, trx) => ({
        type: 'CreatePolicyVersion',
        document: policyDocument,
        setAsDefault,
        quota: (await this.core.quotas(trx, caller.accountId)).policyVersions,
      }),
      async (trx, written, policy) => {
        const versionId = (written.events[0]?.data as { versionId?: string } | undefined)?.versionId;
        const current = await findManagedPolicyByArn(trx, caller.accountId, policy.arn);
        const version = current && (await listPolicyVersions(trx, caller.accountId, current)).find((candidate) => candidate.versionId === versionId);
        if (!version) throw new Error(`The version just created for ${policy.arn} was not found.`);
        return version;
      },
    );
  }

  async setDefaultVersion(caller: Caller, policyArn: string, versionId: string): Promise<void> {
    if (!/^v[1-9]\d*$/.test(versionId)) throw new InvalidInputError(`${JSON.stringify(versionId)} is not a policy version id (v1, v2…).`);
    await this.policyMutation(caller, policyArn, 'iam:SetDefaultPolicyVersion', () => ({ type: 'SetDefaultPolicyVersion', versionId }));
  }

  async deleteVersion(caller: Caller, policyArn: string, versionId: string): Promise<void> {
    await this.policyMutation(caller, policyArn, 'iam:DeletePolicyVersion', () => ({ type: 'DeletePolicyVersion', versionId }));
  }

  async delete(caller: Caller, policyArn: string): Promise<void> {
    // Counted under the ARN's key, which every attachment of the policy holds.
    await this.policyMutation(caller, policyArn, 'iam:DeletePolicy', async (_policy, trx) => {
      const attached = await trx
        .selectFrom('policy_attachments')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .where('account_id', '=', caller.accountId)
        .where('policy_arn', '=', policyArn)
        .executeTakeFirstOrThrow();
      return { type: 'DeletePolicy', attachmentCount: Number(attached.count) };
    });
  }
}
