import type { DomainEvent } from '../kernel/decider.js';
import type { EncryptedSecretData } from '../kernel/encrypted-secret-data.js';
import type { PasswordPolicy } from './password-policy.js';
import type { SignInThrottleSettings } from './sign-in-throttle-settings.js';

/** Events of an account's stream (`account/ACCOUNT_ID`), including its root user's access keys. */
export type AccountEvent =
  | DomainEvent<'AccountCreated', { accountId: string; name: string; isManagement: boolean }>
  /** Closed by the management account: its credentials are refused from then on; its data stays. */
  | DomainEvent<'AccountClosed', Record<string, never>>
  | DomainEvent<'AccountAliasCreated', { alias: string }>
  | DomainEvent<'AccountAliasDeleted', { alias: string }>
  | DomainEvent<'AccountQuotasUpdated', { quotas: Record<string, number> }>
  | DomainEvent<'AccountSettingsUpdated', { settings: AccountSettings }>
  | DomainEvent<'AccountPasswordPolicyUpdated', { policy: PasswordPolicy }>
  | DomainEvent<'AccountPasswordPolicyDeleted', Record<string, never>>
  /** Whether the account's successful read calls are recorded in api_calls (AWS's read events are opt-in too); denials and failures always are. */
  | DomainEvent<'AccountReadCallRecordingSet', { enabled: boolean }>
  | DomainEvent<'RootAccessKeyCreated', { accessKeyId: string; secret: EncryptedSecretData }>
  | DomainEvent<'RootAccessKeyStatusUpdated', { accessKeyId: string; status: 'Active' | 'Inactive' }>
  | DomainEvent<'RootAccessKeyDeleted', { accessKeyId: string }>
  | DomainEvent<'RootAccessKeySecretReencrypted', { accessKeyId: string; secret: EncryptedSecretData }>
  /** The root user's console login: its email, and its password hashed (argon2id) then encrypted. */
  | DomainEvent<'RootLoginProfileSet', { email: string; passwordHash: EncryptedSecretData }>
  | DomainEvent<'RootPasswordHashReencrypted', { passwordHash: EncryptedSecretData }>;

/** Per-account settings (null: off). */
export interface AccountSettings {
  /** Access keys older than this many days are deactivated by the access-key hygiene job. */
  readonly maxAccessKeyAgeDays?: number | null;
  /** Console sign-in throttling thresholds; a value left out keeps its default. */
  readonly signInThrottle?: Partial<SignInThrottleSettings> | null;
  /** Every console user must sign in with MFA; one without a device is asked to enrol one at sign-in. */
  readonly requireMfaForConsole?: boolean | null;
}

export interface AccountState {
  readonly status: 'none' | 'active' | 'closed';
  readonly accountId: string;
  readonly isManagement: boolean;
  readonly alias: string | null;
  readonly quotas: Readonly<Record<string, number>>;
  readonly rootAccessKeys: Readonly<Record<string, 'Active' | 'Inactive'>>;
  readonly hasPasswordPolicy: boolean;
  readonly hasRootLogin: boolean;
  readonly recordsReadCalls: boolean;
}

export const INITIAL_ACCOUNT_STATE: AccountState = {
  status: 'none',
  accountId: '',
  isManagement: false,
  alias: null,
  quotas: {},
  rootAccessKeys: {},
  hasPasswordPolicy: false,
  hasRootLogin: false,
  recordsReadCalls: false,
};

export function evolveAccount(state: AccountState, event: AccountEvent): AccountState {
  switch (event.type) {
    case 'AccountCreated':
      return { ...INITIAL_ACCOUNT_STATE, status: 'active', accountId: event.data.accountId, isManagement: event.data.isManagement };
    case 'AccountClosed':
      return { ...state, status: 'closed' };
    case 'AccountAliasCreated':
      return { ...state, alias: event.data.alias };
    case 'AccountAliasDeleted':
      return { ...state, alias: null };
    case 'AccountQuotasUpdated':
      return { ...state, quotas: { ...state.quotas, ...event.data.quotas } };
    case 'AccountSettingsUpdated':
      return state;
    case 'AccountPasswordPolicyUpdated':
      return { ...state, hasPasswordPolicy: true };
    case 'AccountPasswordPolicyDeleted':
      return { ...state, hasPasswordPolicy: false };
    case 'AccountReadCallRecordingSet':
      return { ...state, recordsReadCalls: event.data.enabled };
    case 'RootAccessKeyCreated':
      return { ...state, rootAccessKeys: { ...state.rootAccessKeys, [event.data.accessKeyId]: 'Active' } };
    case 'RootAccessKeyStatusUpdated':
      return { ...state, rootAccessKeys: { ...state.rootAccessKeys, [event.data.accessKeyId]: event.data.status } };
    case 'RootAccessKeySecretReencrypted':
    case 'RootPasswordHashReencrypted':
      return state;
    case 'RootLoginProfileSet':
      return { ...state, hasRootLogin: true };
    case 'RootAccessKeyDeleted': {
      const rootAccessKeys = { ...state.rootAccessKeys };
      delete rootAccessKeys[event.data.accessKeyId];
      return { ...state, rootAccessKeys };
    }
  }
}
