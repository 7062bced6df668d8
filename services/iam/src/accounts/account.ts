import type { AccountStatus } from '@warden/db';
import type { Quotas } from '../naming/index.js';
import type { SignInThrottleSettings } from './sign-in-throttle-settings.js';

/** A tenant: a 12-digit id, and optionally a globally unique alias for its sign-in URL. */
export interface Account {
  readonly accountId: string;
  readonly alias: string | null;
  readonly name: string;
  /** The platform operator's account, whose principals may be granted organization-wide actions. */
  readonly isManagement: boolean;
  /** The quotas in force: AWS's defaults, except where the management account set one. */
  readonly quotas: Quotas;
  /** Every console sign-in needs MFA. */
  readonly requireMfaForConsole: boolean;
  /** Users' access keys older than this are deactivated; null when keys do not age out. */
  readonly maxAccessKeyAgeDays: number | null;
  /** The account's sign-in throttling thresholds, its settings over the defaults. */
  readonly signInThrottle: SignInThrottleSettings;
  readonly createdAt: Date;
  /** CLOSED once the management account closed it: its credentials are refused, its data kept. */
  readonly status: AccountStatus;
  readonly closedAt: Date | null;
}
