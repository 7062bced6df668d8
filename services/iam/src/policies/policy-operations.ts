import type { Database, PolicyRow, PolicyVersionRow } from '@warden/db';
import type { Transaction } from 'kysely';
import { entityArn } from '../arns.js';
import type { Caller } from '../command-context.js';
import { InvalidInputError, NoSuchEntityError } from '../iam-error.js';
import { type IamCore, QUOTA_LOCKS } from '../service/iam-core.js';
import { lockPolicy } from '../service/lookups.js';
import { type ManagedPolicyCommand, managedPolicyDecider } from './managed-policy.decider.js';

/** Customer-managed policies and their versions. */
export class PolicyOperations {
  constructor(private readonly core: IamCore) {}

  private find(trx: Transaction<Database>, accountId: string, policyArn: string): Promise<PolicyRow | undefined> {
    return trx.selectFrom('policies').selectAll().where('account_id', '=', accountId).where('arn', '=', policyArn).executeTakeFirst();
  }

  async create(caller: Caller, input: { policyName: string; path?: string | null; description?: string | null; policyDocument: string }): Promise<PolicyRow> {
    const path = input.path ?? '/';
    const policyId = this.core.newId('ANPA');
    const arn = entityArn(this.core.partition, caller.accountId, 'policy', path, input.policyName);
    await this.core.mutate(caller, { locks: [QUOTA_LOCKS.customerManagedPolicies] }, async (trx) => {
      // Authorized before the count, so that a caller without the permission learns nothing of it.
      await this.core.authorize(trx, caller, 'iam:CreatePolicy', arn);
      await this.core.requireBelowQuota(trx, caller.accountId, 'policies', (await this.core.quotas(trx, caller.accountId)).customerManagedPolicies, 'PoliciesPerAccount');
      return {
        action: 'iam:CreatePolicy',
        resource: arn,
        decider: managedPolicyDecider,
        streamId: `policy/${policyId}`,
        command: { type: 'CreatePolicy' as const, policyId, policyName: input.policyName, path, arn, description: input.description ?? null, document: input.policyDocument },
        lockKeys: [`policy-name/${String(input.policyName).toLowerCase()}`],
      };
    });
    return this.core.read(caller, async (trx) => (await this.find(trx, caller.accountId, arn))!);
  }

  /** The policy as it is now, after a mutation the caller was allowed to make. */
  current(caller: Caller, policyArn: string): Promise<PolicyRow> {
    return this.core.read(caller, async (trx) => {
      const policy = await this.find(trx, caller.accountId, policyArn);
      if (!policy) throw new NoSuchEntityError(`Policy ${policyArn} does not exist.`);
      return policy;
    });
  }

  async get(caller: Caller, policyArn: string): Promise<PolicyRow> {
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:GetPolicy', policyArn);
      const policy = await this.find(trx, caller.accountId, policyArn);
      if (!policy) throw new NoSuchEntityError(`Policy ${policyArn} does not exist.`);
      return policy;
    });
  }

  async list(caller: Caller, options: { after?: string | null; first: number }): Promise<PolicyRow[]> {
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:ListPolicies', entityArn(this.core.partition, caller.accountId, 'policy', '/', '*'));
      let query = trx.selectFrom('policies').selectAll().where('account_id', '=', caller.accountId);
      if (options.after) query = query.where('policy_name_key', '>', options.after);
      return query.orderBy('policy_name_key').limit(options.first).execute();
    });
  }

  async versions(caller: Caller, policy: PolicyRow): Promise<PolicyVersionRow[]> {
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:ListPolicyVersions', policy.arn);
      return trx.selectFrom('policy_versions').selectAll().where('account_id', '=', caller.accountId).where('policy_id', '=', policy.policy_id).orderBy('created_at').execute();
    });
  }

  private async policyMutation(caller: Caller, policyArn: string, action: string, command: (policy: PolicyRow, trx: Transaction<Database>) => Promise<ManagedPolicyCommand> | ManagedPolicyCommand): Promise<void> {
    await this.core.mutate(caller, async (trx) => {
      await this.core.authorize(trx, caller, action, policyArn);
      const policy = await this.find(trx, caller.accountId, policyArn);
      if (!policy) throw new NoSuchEntityError(`Policy ${policyArn} does not exist.`);
      return { action, resource: policy.arn, decider: managedPolicyDecider, streamId: `policy/${policy.policy_id}`, command: await command(policy, trx) };
    });
  }

  async createVersion(caller: Caller, policyArn: string, policyDocument: string, setAsDefault: boolean): Promise<void> {
    await this.policyMutation(caller, policyArn, 'iam:CreatePolicyVersion', async (_policy, trx) => ({
      type: 'CreatePolicyVersion',
      document: policyDocument,
      setAsDefault,
      quota: (await this.core.quotas(trx, caller.accountId)).policyVersions,
    }));
  }

  async setDefaultVersion(caller: Caller, policyArn: string, versionId: string): Promise<void> {
    if (!/^v[1-9]\d*$/.test(versionId)) throw new InvalidInputError(`${JSON.stringify(versionId)} is not a policy version id (v1, v2…).`);
    await this.policyMutation(caller, policyArn, 'iam:SetDefaultPolicyVersion', () => ({ type: 'SetDefaultPolicyVersion', versionId }));
  }

  async deleteVersion(caller: Caller, policyArn: string, versionId: string): Promise<void> {
    await this.policyMutation(caller, policyArn, 'iam:DeletePolicyVersion', () => ({ type: 'DeletePolicyVersion', versionId }));
  }

  async delete(caller: Caller, policyArn: string): Promise<void> {
    await this.policyMutation(caller, policyArn, 'iam:DeletePolicy', async (_policy, trx) => {
      await lockPolicy(trx, caller.accountId, policyArn);
      const attached = await trx.selectFrom('policy_attachments').select((eb) => eb.fn.countAll<string>().as('count')).where('account_id', '=', caller.accountId).where('policy_arn', '=', policyArn).executeTakeFirstOrThrow();
      return { type: 'DeletePolicy', attachmentCount: Number(attached.count) };
    });
  }
}
