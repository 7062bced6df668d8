import type { Decider } from '../kernel/decider.js';
import type { EncryptedSecretData } from '../kernel/encrypted-secret-data.js';
import { AccountAlreadyClosedError, ConstraintViolationError, EntityAlreadyExistsError, InvalidInputError, LimitExceededError, NoSuchEntityError } from '../kernel/iam-error.js';
import { ACCOUNT_QUOTA_NAMES, checkAccountAlias, checkAccountQuota, DEFAULT_QUOTAS, isAccountQuotaName } from '../naming/index.js';
import { checkPasswordPolicy, type PasswordPolicy } from './password-policy.js';
import { checkSignInThrottleSettings } from './sign-in-throttle-settings.js';
import { type AccountEvent, type AccountSettings, type AccountState, evolveAccount, INITIAL_ACCOUNT_STATE } from './account.events.js';

/**
 * An account: created once, with at most one alias (AWS allows one; global uniqueness is the
 * read model's unique constraint), its quotas, and its root user's access keys (at most two).
 */
export type AccountCommand =
  | { type: 'CreateAccount'; accountId: string; name: string; isManagement: boolean }
  | { type: 'CloseAccount' }
  | { type: 'CreateAccountAlias'; alias: string }
  | { type: 'DeleteAccountAlias'; alias: string }
  | { type: 'UpdateAccountQuotas'; quotas: Record<string, number> }
  | { type: 'UpdateAccountSettings'; settings: AccountSettings }
  | { type: 'UpdateAccountPasswordPolicy'; policy: PasswordPolicy }
  | { type: 'DeleteAccountPasswordPolicy' }
  | { type: 'SetReadCallRecording'; enabled: boolean }
  | { type: 'CreateRootAccessKey'; accessKeyId: string; secret: EncryptedSecretData }
  | { type: 'UpdateRootAccessKey'; accessKeyId: string; status: 'Active' | 'Inactive' }
  | { type: 'DeleteRootAccessKey'; accessKeyId: string }
  | { type: 'ReencryptRootAccessKeySecret'; accessKeyId: string; secret: EncryptedSecretData }
  | { type: 'SetRootLoginProfile'; email: string; passwordHash: EncryptedSecretData }
  | { type: 'ReencryptRootPasswordHash'; passwordHash: EncryptedSecretData };

/** An email address as people type them: one @, no spaces, a dot in the domain; at most 254 characters (RFC 5321). */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A closed account is as good as absent to every change but the keyring's re-encryptions. */
function requireAccount(state: AccountState): void {
  if (state.status !== 'active') throw new NoSuchEntityError('The account cannot be found.');
}

export function decideAccount(command: AccountCommand, state: AccountState): AccountEvent[] {
  switch (command.type) {
    case 'CreateAccount':
      if (state.status !== 'none') throw new EntityAlreadyExistsError(`Account ${command.accountId} already exists.`);
      if (!/^\d{12}$/.test(command.accountId)) throw new InvalidInputError('An account id is 12 digits.');
      if (command.name.trim() === '' || command.name.length > 50) throw new InvalidInputError('The account name must be 1 to 50 characters.');
      return [{ type: 'AccountCreated', data: { accountId: command.accountId, name: command.name, isManagement: command.isManagement } }];
    case 'CloseAccount':
      if (state.status === 'none') throw new NoSuchEntityError('The account cannot be found.');
      if (state.status === 'closed') throw new AccountAlreadyClosedError(`Account ${state.accountId} is already closed.`);
      // Organizations: the management account cannot be closed with CloseAccount; it is the one that manages the others.
      if (state.isManagement) throw new ConstraintViolationError('The management account cannot be closed.');
      // The alias is released with the account, so that another account can take it.
      return [...(state.alias ? [{ type: 'AccountAliasDeleted' as const, data: { alias: state.alias } }] : []), { type: 'AccountClosed', data: {} }];
    case 'CreateAccountAlias': {
      requireAccount(state);
      const problem = checkAccountAlias(command.alias);
      if (problem) throw new InvalidInputError(problem);
      if (state.alias === command.alias) return [];
      // AWS: an account has at most one alias; a new one replaces the old.
      return [...(state.alias ? [{ type: 'AccountAliasDeleted' as const, data: { alias: state.alias } }] : []), { type: 'AccountAliasCreated', data: { alias: command.alias } }];
    }
    case 'DeleteAccountAlias':
      requireAccount(state);
      if (state.alias !== command.alias) throw new NoSuchEntityError(`The account alias ${command.alias} cannot be found.`);
      return [{ type: 'AccountAliasDeleted', data: { alias: command.alias } }];
    case 'UpdateAccountQuotas': {
      requireAccount(state);
      const changed: Record<string, number> = {};
      for (const [name, value] of Object.entries(command.quotas)) {
        if (!isAccountQuotaName(name)) throw new InvalidInputError(`${name} is not a quota; known quotas: ${ACCOUNT_QUOTA_NAMES.join(', ')}.`);
        const problem = checkAccountQuota(name, value);
        if (problem) throw new InvalidInputError(problem);
        if (value !== (state.quotas[name] ?? DEFAULT_QUOTAS[name])) changed[name] = value;
      }
      // The event records only what changes: setting a quota to the value in force appends nothing.
      return Object.keys(changed).length === 0 ? [] : [{ type: 'AccountQuotasUpdated', data: { quotas: changed } }];
    }
    case 'UpdateAccountSettings': {
      requireAccount(state);
      const days = command.settings.maxAccessKeyAgeDays;
      if (days !== undefined && days !== null && (!Number.isInteger(days) || days < 1 || days > 3650)) {
        throw new InvalidInputError('maxAccessKeyAgeDays must be a whole number of days from 1 to 3650, or null to turn it off.');
      }
      const throttleProblem = command.settings.signInThrottle ? checkSignInThrottleSettings(command.settings.signInThrottle) : undefined;
      if (throttleProblem) throw new InvalidInputError(throttleProblem);
      return [{ type: 'AccountSettingsUpdated', data: { settings: command.settings } }];
    }
    case 'UpdateAccountPasswordPolicy':
      requireAccount(state);
      checkPasswordPolicy(command.policy);
      return [{ type: 'AccountPasswordPolicyUpdated', data: { policy: command.policy } }];
    case 'DeleteAccountPasswordPolicy':
      requireAccount(state);
      if (!state.hasPasswordPolicy) throw new NoSuchEntityError('The account has no password policy.');
      return [{ type: 'AccountPasswordPolicyDeleted', data: {} }];
    case 'SetReadCallRecording':
      requireAccount(state);
      // Setting what is in force changes nothing, and appends nothing.
      return state.recordsReadCalls === command.enabled ? [] : [{ type: 'AccountReadCallRecordingSet', data: { enabled: command.enabled } }];
    case 'CreateRootAccessKey':
      requireAccount(state);
      if (Object.keys(state.rootAccessKeys).length >= 2) throw new LimitExceededError('Cannot exceed quota for AccessKeysPerUser: 2.');
      return [{ type: 'RootAccessKeyCreated', data: { accessKeyId: command.accessKeyId, secret: command.secret } }];
    case 'UpdateRootAccessKey':
      requireAccount(state);
      if (!(command.accessKeyId in state.rootAccessKeys)) throw new NoSuchEntityError(`The Access Key with id ${command.accessKeyId} cannot be found.`);
      if (state.rootAccessKeys[command.accessKeyId] === command.status) return [];
      return [{ type: 'RootAccessKeyStatusUpdated', data: { accessKeyId: command.accessKeyId, status: command.status } }];
    case 'DeleteRootAccessKey':
      requireAccount(state);
      if (!(command.accessKeyId in state.rootAccessKeys)) throw new NoSuchEntityError(`The Access Key with id ${command.accessKeyId} cannot be found.`);
      return [{ type: 'RootAccessKeyDeleted', data: { accessKeyId: command.accessKeyId } }];
    case 'SetRootLoginProfile':
      requireAccount(state);
      if (command.email.length > 254 || !EMAIL.test(command.email)) throw new InvalidInputError('The root email must be an email address (name@domain), at most 254 characters.');
      return [{ type: 'RootLoginProfileSet', data: { email: command.email, passwordHash: command.passwordHash } }];
    case 'ReencryptRootPasswordHash':
      if (!state.hasRootLogin) return [];
      return [{ type: 'RootPasswordHashReencrypted', data: { passwordHash: command.passwordHash } }];
    case 'ReencryptRootAccessKeySecret':
      if (!(command.accessKeyId in state.rootAccessKeys)) return [];
      return [{ type: 'RootAccessKeySecretReencrypted', data: { accessKeyId: command.accessKeyId, secret: command.secret } }];
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

export const accountDecider: Decider<AccountCommand, AccountEvent, AccountState> = {
  initialState: INITIAL_ACCOUNT_STATE,
  evolve: evolveAccount,
  decide: decideAccount,
};
