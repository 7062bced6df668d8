import { describe, expect, it } from 'vitest';
import type { Caller, CallerSession } from '../kernel/command-context.js';
import { rootKeyRecoveryRefusal } from './root-key-recovery.js';

const MANAGEMENT = '111111111111';
const TENANT = '222222222222';

function roleSession(roleName: string, originAccountId: string | null): Caller {
  const session: CallerSession = {
    sessionId: 's',
    kind: 'assumed-role',
    roleId: 'AROAEXAMPLE000000001',
    roleArn: `arn:aws:iam::${TENANT}:role/${roleName}`,
    userId: null,
    sessionName: 'recovery',
    tags: [],
    sessionPolicies: [],
    sourceIdentity: null,
    mfaAuthenticated: false,
    mfaAuthenticatedAt: null,
    chained: false,
    originAccountId,
    issuedAt: new Date(0),
    expiresAt: new Date(3_600_000),
  };
  return { accountId: TENANT, arn: `arn:aws:sts::${TENANT}:assumed-role/${roleName}/recovery`, kind: 'assumed-role', session, requestContext: {} };
}

describe('rootKeyRecoveryRefusal', () => {
  it('admits the root user, any principal of the management account, and the recovery role when the management account started the chain', () => {
    expect(rootKeyRecoveryRefusal({ accountId: TENANT, arn: `arn:aws:iam::${TENANT}:root`, kind: 'root', requestContext: {} }, MANAGEMENT)).toBeNull();
    expect(rootKeyRecoveryRefusal({ accountId: MANAGEMENT, arn: `arn:aws:iam::${MANAGEMENT}:user/ops`, kind: 'user', requestContext: {} }, MANAGEMENT)).toBeNull();
    expect(rootKeyRecoveryRefusal(roleSession('OrganizationAccountAccessRole', MANAGEMENT), MANAGEMENT)).toBeNull();
  });

  it('refuses a tenant user, the recovery role from any other origin (the tenant, outside the platform, unknown), and any other role of a management chain', () => {
    expect(rootKeyRecoveryRefusal({ accountId: TENANT, arn: `arn:aws:iam::${TENANT}:user/admin`, kind: 'user', requestContext: {} }, MANAGEMENT)).toMatch(/only the root user/);
    expect(rootKeyRecoveryRefusal(roleSession('OrganizationAccountAccessRole', TENANT), MANAGEMENT)).not.toBeNull();
    expect(rootKeyRecoveryRefusal(roleSession('OrganizationAccountAccessRole', null), MANAGEMENT)).not.toBeNull();
    expect(rootKeyRecoveryRefusal(roleSession('Admin', MANAGEMENT), MANAGEMENT)).not.toBeNull();
    // A name that merely contains the role's.
    expect(rootKeyRecoveryRefusal(roleSession('XOrganizationAccountAccessRole', MANAGEMENT), MANAGEMENT)).not.toBeNull();
  });
});
