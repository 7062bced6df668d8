/**
 * The actions AWS has no name for, in Warden's own `warden:` namespace: every one the code
 * authorizes is declared here and nowhere else, with the resource it is decided on and what it lets
 * a principal do, so that the README's table (generated from this list) says what a policy can grant.
 */
export interface WardenAction {
  readonly action: `warden:${string}`;
  /** The resource a policy names to grant it. */
  readonly resource: string;
  /** What it authorizes, for the README. */
  readonly authorizes: string;
}

export const WARDEN_ACTIONS = {
  GetAuditEvents: {
    action: 'warden:GetAuditEvents',
    resource: '`*`',
    authorizes:
      "`auditEvents`, the live tail `auditEventsLive` and `GET /audit/export`: reading the account's audit log (its events, with who made each, from where, and their data with secrets redacted, and its call records: denied and failed calls, and reads when recorded). Granted by `WardenAuditReadOnly`; `ReadOnlyAccess` grants it through `*:Get*`, `IAMReadOnlyAccess` does not.",
  },
  UpdateAccountSettings: {
    action: 'warden:UpdateAccountSettings',
    resource: '`*`',
    authorizes: "`updateAccountSettings`: the account's own settings (maximum access key age, MFA required for the console, sign-in throttling).",
  },
  GetAuditSettings: {
    action: 'warden:GetAuditSettings',
    resource: '`*`',
    authorizes:
      '`auditSettings`: whether the account records its successful read calls (denied and failed calls are always recorded). Granted by `WardenAuditReadOnly`; `ReadOnlyAccess` grants it through `*:Get*`.',
  },
  UpdateAuditSettings: {
    action: 'warden:UpdateAuditSettings',
    resource: '`*`',
    authorizes: "`updateAuditSettings`: turns the recording of the account's successful read calls on or off, as CloudTrail's read events are opted into.",
  },
  UpdateAccountQuotas: {
    action: 'warden:UpdateAccountQuotas',
    resource: '`arn:aws:organizations::MANAGEMENT_ACCOUNT_ID:account/ACCOUNT_ID`',
    authorizes: "`updateAccountQuotas`: another account's quotas, for the management account's principals only (a tenant's are refused whatever their policies say).",
  },
  ExportAccount: {
    action: 'warden:ExportAccount',
    resource: '`arn:aws:organizations::MANAGEMENT_ACCOUNT_ID:account/ACCOUNT_ID`',
    authorizes: "`accountEvents` and `accountIamState`: another account's whole event log and IAM state, closed or not, secrets redacted, for the management account's principals only.",
  },
  EnsureOrganizationAccessRole: {
    action: 'warden:EnsureOrganizationAccessRole',
    resource: '`arn:aws:organizations::MANAGEMENT_ACCOUNT_ID:account/ACCOUNT_ID`',
    authorizes:
      "`ensureOrganizationAccessRole`: gives an account its `OrganizationAccountAccessRole` (or puts back its trust policy and `AdministratorAccess`), for the management account's principals only.",
  },
  GetPolicySuggestion: {
    action: 'warden:GetPolicySuggestion',
    resource: '`arn:aws:iam::ACCOUNT_ID:user/NAME` or `arn:aws:iam::ACCOUNT_ID:role/NAME` (the principal)',
    authorizes:
      "`policySuggestion`: a least-privilege policy proposed from the actions a user or role of the caller's account was allowed over a period (Access Analyzer's policy generation), which tells what the principal did. Granted by `WardenAuditReadOnly`; `ReadOnlyAccess` grants it through `*:Get*`.",
  },
} as const satisfies Readonly<Record<string, WardenAction>>;

/** Where the README's table of Warden's actions sits; a unit test compares it with the one generated here. */
export const WARDEN_ACTIONS_START = '<!-- warden-actions:start (generated from services/iam/src/warden-actions/warden-actions.ts) -->';
export const WARDEN_ACTIONS_END = '<!-- warden-actions:end -->';

/** The README's table of Warden's own actions, one row each, by name. */
export function wardenActionsMarkdown(): string {
  const actions: readonly WardenAction[] = Object.values(WARDEN_ACTIONS);
  const rows = [...actions].sort((a, b) => (a.action < b.action ? -1 : 1)).map((entry) => `| \`${entry.action}\` | ${entry.resource} | ${entry.authorizes} |`);
  return [WARDEN_ACTIONS_START, '| action | resource | authorizes |', '|---|---|---|', ...rows, WARDEN_ACTIONS_END].join('\n');
}
