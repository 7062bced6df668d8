import { type RoleRow, streamLockKey } from '@warden/db';
import { entityArn } from '../kernel/arns.js';
import type { Caller } from '../kernel/command-context.js';
import { NoSuchEntityError } from '../kernel/iam-error.js';
import type { Tag } from '../naming/index.js';
import { type IamCore, QUOTA_LOCKS } from '../service/iam-core.js';
import { findRoleRowByName } from './role-repository.js';
import { requestTagContext } from '../authorization/tag-context.js';
import { requireAttachablePolicy } from '../policies/attachable-policy.js';
import { roleNameKey } from '../kernel/lock-keys.js';
import { TaggedHolderOperations } from '../policy-holders/policy-holder-operations.js';
import { appendTo } from '../service/write-spec.js';
import type { Role } from './role.js';
import { findRoleByName, listRoles, requireRoleByName } from './role-repository.js';
import { type RoleCommand, roleDecider } from './role.decider.js';
import { toRoleAfter } from './role-mapper.js';
import type { RoleState } from './role.events.js';

export interface CreateRoleInput {
  readonly roleName: string;
  readonly path?: string | null;
  readonly assumeRolePolicyDocument: string;
  readonly description?: string | null;
  readonly maxSessionDuration?: number | null;
  readonly tags?: readonly Tag[] | null;
  readonly permissionsBoundary?: string | null;
}

export class RoleOperations extends TaggedHolderOperations<'role', RoleRow, RoleCommand, Role, RoleState> {
  constructor(core: IamCore) {
    super(core, { kind: 'role', decider: roleDecider, find: findRoleRowByName, nameKey: roleNameKey, idOf: (role) => role.role_id, nameOf: (role) => role.role_name, shownAfter: toRoleAfter });
  }

  async create(caller: Caller, input: CreateRoleInput): Promise<Role> {
    const path = input.path ?? '/';
    const roleId = this.core.newId('AROA');
    const arn = entityArn(this.core.partition, caller.accountId, 'role', path, input.roleName);
    const context = { ...requestTagContext(input.tags ?? []), ...(input.permissionsBoundary ? { 'iam:PermissionsBoundary': input.permissionsBoundary } : {}) };
    const nameKey = roleNameKey(input.roleName);
    const { answer } = await this.core.write(caller, {
      locks: [QUOTA_LOCKS.roles, nameKey, streamLockKey(`role/${roleId}`)],
      permissions: () => [{ action: 'iam:CreateRole', resource: arn, context }],
      appends: async (_loaded, trx) => {
        if (input.permissionsBoundary) await requireAttachablePolicy(trx, caller.accountId, input.permissionsBoundary);
        await this.core.requireBelowQuota(trx, caller.accountId, 'roles', (await this.core.quotas(trx, caller.accountId)).roles, 'RolesPerAccount');
        const command = {
          type: 'CreateRole' as const,
          roleId,
          roleName: input.roleName,
          path,
          arn,
          trustPolicy: input.assumeRolePolicyDocument,
          description: input.description ?? null,
          maxSessionDuration: input.maxSessionDuration ?? 3600,
          tags: [...(input.tags ?? [])],
          permissionsBoundaryArn: input.permissionsBoundary ?? null,
        };
        return appendTo(roleDecider, `role/${roleId}`, command, { lockKeys: [nameKey] });
      },
      answer: (trx) => requireRoleByName(trx, caller.accountId, input.roleName),
    });
    return answer;
  }

  /** The role as it is now, after a mutation the caller was allowed to make. */
  current(caller: Caller, roleName: string): Promise<Role> {
    return this.core.read(caller, (trx) => requireRoleByName(trx, caller.accountId, roleName));
  }

  async get(caller: Caller, roleName: string): Promise<Role> {
    return this.core.read(caller, async (trx) => {
      const role = await findRoleByName(trx, caller.accountId, roleName);
      await this.core.authorize(trx, caller, 'iam:GetRole', role?.arn ?? entityArn(this.core.partition, caller.accountId, 'role', '/', roleName));
      if (!role) throw new NoSuchEntityError(`The role with name ${roleName} cannot be found.`);
      return role;
    });
  }

  /** A page of roles in name-key order; `after` is the name key (`nameKey`) of the previous page's last role. */
  /** A page of roles whose path starts with `pathPrefix`, in name-key order; `after` is the name key (`nameKey`) of the previous page's last role. */
  async list(caller: Caller, options: { pathPrefix?: string | null; after?: string | null; first: number }): Promise<Role[]> {
    return this.core.read(caller, async (trx) => {
      await this.core.authorize(trx, caller, 'iam:ListRoles', entityArn(this.core.partition, caller.accountId, 'role', options.pathPrefix ?? '/', '*'));
      return listRoles(trx, caller.accountId, options);
    });
  }

  async delete(caller: Caller, roleName: string): Promise<void> {
    await this.holderWrite(caller, roleName, 'iam:DeleteRole', () => ({ type: 'DeleteRole' }));
  }

  /** AWS's UpdateRole; answers with the role as the write left it. */
  update(caller: Caller, roleName: string, input: { description?: string | null; maxSessionDuration?: number | null }): Promise<Role> {
    return this.holderChange(caller, roleName, 'iam:UpdateRole', () => ({ type: 'UpdateRole', description: input.description ?? null, maxSessionDuration: input.maxSessionDuration ?? null }));
  }

  /** AWS's UpdateAssumeRolePolicy; answers with the role as the write left it. */
  updateAssumeRolePolicy(caller: Caller, roleName: string, policyDocument: string): Promise<Role> {
    return this.holderChange(caller, roleName, 'iam:UpdateAssumeRolePolicy', () => ({ type: 'UpdateAssumeRolePolicy', trustPolicy: policyDocument }));
  }
}
