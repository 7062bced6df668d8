import type { AccountRow } from '@warden/db';
import { effectiveQuotas } from '../naming/index.js';
import { accountThrottle } from './sign-in-throttle-settings.js';
import type { Account } from './account.js';
import type { AccountSettings } from './account.events.js';

export function toAccount(row: AccountRow): Account {
  // The settings column holds what AccountSettingsUpdated events set (and the password policy, read elsewhere).
  const settings = row.settings as AccountSettings;
  return {
    accountId: row.account_id,
    alias: row.alias,
    name: row.name,
    isManagement: row.is_management,
    quotas: effectiveQuotas(row.quotas),
    requireMfaForConsole: settings.requireMfaForConsole === true,
    maxAccessKeyAgeDays: settings.maxAccessKeyAgeDays ?? null,
    signInThrottle: accountThrottle(row.settings),
    createdAt: row.created_at,
    status: row.status,
    closedAt: row.closed_at,
  };
}
