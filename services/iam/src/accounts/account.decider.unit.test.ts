import { describe, expect, it } from 'vitest';
import type { EncryptedSecretData } from '../kernel/encrypted-secret-data.js';
import { given } from '../kernel/decider-spec.js';
import { AccountAlreadyClosedError, ConstraintViolationError, EntityAlreadyExistsError, InvalidInputError, LimitExceededError, NoSuchEntityError } from '../kernel/iam-error.js';
import { PASSWORD_POLICY_UPDATE_DEFAULTS, type PasswordPolicy } from './password-policy.js';
import { type AccountCommand, accountDecider } from './account.decider.js';
import type { AccountEvent } from './account.events.js';

const ACCOUNT_ID = '111122223333';
const SECRET: EncryptedSecretData = { keyId: 'kr-1', iv: 'aXY=', ciphertext: 'Y3Q=', tag: 'dGFn' };

const createAccount = (overrides: Partial<Extract<AccountCommand, { type: 'CreateAccount' }>> = {}): AccountCommand => ({
  type: 'CreateAccount',
  accountId: ACCOUNT_ID,
  name: 'Example Corp',
  isManagement: false,
  ...overrides,
});
const created = (overrides: Partial<Extract<AccountEvent, { type: 'AccountCreated' }>['data']> = {}): AccountEvent => ({
  type: 'AccountCreated',
  data: { accountId: ACCOUNT_ID, name: 'Example Corp', isManagement: false, ...overrides },
});
const aliasCreated = (alias: string): AccountEvent => ({ type: 'AccountAliasCreated', data: { alias } });
const aliasDeleted = (alias: string): AccountEvent => ({ type: 'AccountAliasDeleted', data: { alias } });
const quotasUpdated = (quotas: Record<string, number>): AccountEvent => ({ type: 'AccountQuotasUpdated', data: { quotas } });
const keyCreated = (accessKeyId: string): AccountEvent => ({ type: 'RootAccessKeyCreated', data: { accessKeyId, secret: SECRET } });
const keyStatus = (accessKeyId: string, status: 'Active' | 'Inactive'): AccountEvent => ({ type: 'RootAccessKeyStatusUpdated', data: { accessKeyId, status } });
const keyDeleted = (accessKeyId: string): AccountEvent => ({ type: 'RootAccessKeyDeleted', data: { accessKeyId } });

const account = (...more: AccountEvent[]) => given(accountDecider, [created(), ...more]);

describe('CreateAccount', () => {
  it('creates the account', () => {
    const state = given(accountDecider, [])
      .when(createAccount({ isManagement: true }))
      .then([created({ isManagement: true })]);
    expect(state).toStrictEqual({
      status: 'active',
      accountId: ACCOUNT_ID,
      isManagement: true,
      alias: null,
      quotas: {},
      rootAccessKeys: {},
      hasPasswordPolicy: false,
      hasRootLogin: false,
      recordsReadCalls: false,
    });
  });

  it('refuses to create an account that exists', () => {
    account().when(createAccount()).thenThrows(EntityAlreadyExistsError, `Account ${ACCOUNT_ID} already exists.`);
  });

  // https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html — an AWS account ID is a 12-digit number
  it.each([['11112222333'], ['1111222233334'], ['11112222333a'], [''], [' 111122223333']])('rejects the account id %j', (accountId) => {
    given(accountDecider, []).when(createAccount({ accountId })).thenThrows(InvalidInputError, 'An account id is 12 digits.');
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['51 characters', 'n'.repeat(51)],
  ])('rejects a name that is %s', (_why, name) => {
    given(accountDecider, []).when(createAccount({ name })).thenThrows(InvalidInputError, 'The account name must be 1 to 50 characters.');
  });

  it('accepts a 1- and a 50-character name', () => {
    given(accountDecider, [])
      .when(createAccount({ name: 'n' }))
      .then([created({ name: 'n' })]);
    given(accountDecider, [])
      .when(createAccount({ name: 'n'.repeat(50) }))
      .then([created({ name: 'n'.repeat(50) })]);
  });
});

describe('CreateAccountAlias', () => {
  it('creates an alias', () => {
    const state = account()
      .when({ type: 'CreateAccountAlias', alias: 'example-corp' })
      .then([aliasCreated('example-corp')]);
    expect(state.alias).toBe('example-corp');
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/console-account-alias.html — one alias per account; a new alias replaces the previous one
  it('replaces an existing alias: the old one is deleted, then the new one created', () => {
    const state = account(aliasCreated('old-name'))
      .when({ type: 'CreateAccountAlias', alias: 'new-name' })
      .then([aliasDeleted('old-name'), aliasCreated('new-name')]);
    expect(state.alias).toBe('new-name');
  });

  it('does nothing when the alias is already the account alias', () => {
    account(aliasCreated('example-corp')).when({ type: 'CreateAccountAlias', alias: 'example-corp' }).then([]);
  });

  it('creates an alias again after the previous one was deleted', () => {
    account(aliasCreated('example-corp'), aliasDeleted('example-corp'))
      .when({ type: 'CreateAccountAlias', alias: 'example-corp' })
      .then([aliasCreated('example-corp')]);
  });

  // https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccountAlias.html — 3–63 of ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$, not a 12-digit number
  it.each([
    ['uppercase letters', 'ExampleCorp', /may contain only lowercase letters, digits and hyphens/],
    ['two characters', 'ab', /must be 3 to 63 characters long/],
    ['64 characters', 'a'.repeat(64), /must be 3 to 63 characters long/],
    ['a leading hyphen', '-example', /must not begin or end with a hyphen/],
    ['a trailing hyphen', 'example-', /must not begin or end with a hyphen/],
    ['two hyphens in a row', 'example--corp', /two hyphens in a row/],
    ['a 12-digit number', '444455556666', /12-digit number/],
  ])('rejects an alias with %s', (_why, alias, message) => {
    account(aliasCreated('example-corp')).when({ type: 'CreateAccountAlias', alias }).thenThrows(InvalidInputError, message);
  });
});

describe('DeleteAccountAlias', () => {
  it('deletes the alias', () => {
    const state = account(aliasCreated('example-corp'))
      .when({ type: 'DeleteAccountAlias', alias: 'example-corp' })
      .then([aliasDeleted('example-corp')]);
    expect(state.alias).toBeNull();
  });

  it('refuses an alias that is not the account alias', () => {
    account(aliasCreated('example-corp')).when({ type: 'DeleteAccountAlias', alias: 'other' }).thenThrows(NoSuchEntityError, 'The account alias other cannot be found.');
  });

  it('refuses when the account has no alias', () => {
    account().when({ type: 'DeleteAccountAlias', alias: 'example-corp' }).thenThrows(NoSuchEntityError, 'The account alias example-corp cannot be found.');
    account(aliasCreated('example-corp'), aliasDeleted('example-corp'))
      .when({ type: 'DeleteAccountAlias', alias: 'example-corp' })
      .thenThrows(NoSuchEntityError, /cannot be found/);
  });
});

describe('UpdateAccountQuotas', () => {
  it('records quota overrides, merging them with earlier ones', () => {
    const state = account(quotasUpdated({ users: 100 }))
      .when({ type: 'UpdateAccountQuotas', quotas: { groups: 50, managedPoliciesPerPrincipal: 20 } })
      .then([quotasUpdated({ groups: 50, managedPoliciesPerPrincipal: 20 })]);
    expect(state.quotas).toStrictEqual({ users: 100, groups: 50, managedPoliciesPerPrincipal: 20 });
  });

  it('accepts a quota of zero', () => {
    account()
      .when({ type: 'UpdateAccountQuotas', quotas: { roles: 0 } })
      .then([quotasUpdated({ roles: 0 })]);
  });

  it('refuses an unknown quota name', () => {
    account()
      .when({ type: 'UpdateAccountQuotas', quotas: { users: 10, bananas: 3 } })
      .thenThrows(InvalidInputError, /^bananas is not a quota; known quotas: users, groups, /);
  });

  // Regression: a `name in DEFAULT_QUOTAS` check would also accept Object.prototype's members.
  it.each([['toString'], ['constructor'], ['hasOwnProperty'], ['__proto__']])('refuses %j, which is not a quota', (name) => {
    account()
      .when({ type: 'UpdateAccountQuotas', quotas: JSON.parse(`{${JSON.stringify(name)}: 5}`) as Record<string, number> })
      .thenThrows(InvalidInputError, `${name} is not a quota`);
  });

  it.each([
    ['negative', -1],
    ['fractional', 2.5],
    ['not a number', Number.NaN],
    ['infinite', Number.POSITIVE_INFINITY],
  ])('refuses a %s value', (_why, value) => {
    account()
      .when({ type: 'UpdateAccountQuotas', quotas: { users: value } })
      .thenThrows(InvalidInputError, `Quota users must be a whole number from 0 to 5000 (AWS does not let it be raised); got ${String(value)}.`);
  });

  // reference_iam-quotas: an adjustable quota goes up to the Service Quotas maximum, a fixed one not past its default.
  it('accepts an adjustable quota up to its maximum, and refuses one past it', () => {
    account()
      .when({ type: 'UpdateAccountQuotas', quotas: { roles: 5000, managedPoliciesPerPrincipal: 20 } })
      .then([quotasUpdated({ roles: 5000, managedPoliciesPerPrincipal: 20 })]);
    account()
      .when({ type: 'UpdateAccountQuotas', quotas: { groups: 501 } })
      .thenThrows(InvalidInputError, 'Quota groups must be a whole number from 0 to 500; got 501.');
  });

  it('refuses to raise a fixed quota past its default, and accepts lowering it', () => {
    account()
      .when({ type: 'UpdateAccountQuotas', quotas: { accessKeysPerUser: 3 } })
      .thenThrows(InvalidInputError, /^Quota accessKeysPerUser must be a whole number from 0 to 2 \(AWS does not let it be raised\)/);
    account()
      .when({ type: 'UpdateAccountQuotas', quotas: { accessKeysPerUser: 1 } })
      .then([quotasUpdated({ accessKeysPerUser: 1 })]);
  });

  it('refuses a quota Warden does not count against (setting it would change nothing)', () => {
    account()
      .when({ type: 'UpdateAccountQuotas', quotas: { tagsPerEntity: 10 } })
      .thenThrows(InvalidInputError, /^tagsPerEntity is not a quota; known quotas: /);
  });

  it('records only the quotas that change, and nothing when none does', () => {
    account(quotasUpdated({ users: 100 }))
      .when({ type: 'UpdateAccountQuotas', quotas: { users: 100, groups: 300, roles: 7 } })
      .then([quotasUpdated({ roles: 7 })]);
    account(quotasUpdated({ users: 100 }))
      .when({ type: 'UpdateAccountQuotas', quotas: { users: 100, groups: 300 } })
      .then([]);
  });
});

describe('root access keys', () => {
  it('creates a root access key, active', () => {
    const state = account()
      .when({ type: 'CreateRootAccessKey', accessKeyId: 'AKIAROOT1', secret: SECRET })
      .then([keyCreated('AKIAROOT1')]);
    expect(state.rootAccessKeys).toStrictEqual({ AKIAROOT1: 'Active' });
  });

  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html — access keys per user (the root user included): 2
  it('refuses a third root access key, counting inactive ones', () => {
    account(keyCreated('AKIAROOT1'), keyCreated('AKIAROOT2'), keyStatus('AKIAROOT1', 'Inactive'))
      .when({ type: 'CreateRootAccessKey', accessKeyId: 'AKIAROOT3', secret: SECRET })
      .thenThrows(LimitExceededError, 'Cannot exceed quota for AccessKeysPerUser: 2.');
  });

  it('allows a second key, and a new one once one of two is deleted', () => {
    account(keyCreated('AKIAROOT1'))
      .when({ type: 'CreateRootAccessKey', accessKeyId: 'AKIAROOT2', secret: SECRET })
      .then([keyCreated('AKIAROOT2')]);
    account(keyCreated('AKIAROOT1'), keyCreated('AKIAROOT2'), keyDeleted('AKIAROOT1'))
      .when({ type: 'CreateRootAccessKey', accessKeyId: 'AKIAROOT3', secret: SECRET })
      .then([keyCreated('AKIAROOT3')]);
  });

  it('deactivates and reactivates a key', () => {
    const state = account(keyCreated('AKIAROOT1'))
      .when({ type: 'UpdateRootAccessKey', accessKeyId: 'AKIAROOT1', status: 'Inactive' })
      .then([keyStatus('AKIAROOT1', 'Inactive')]);
    expect(state.rootAccessKeys).toStrictEqual({ AKIAROOT1: 'Inactive' });
    account(keyCreated('AKIAROOT1'), keyStatus('AKIAROOT1', 'Inactive'))
      .when({ type: 'UpdateRootAccessKey', accessKeyId: 'AKIAROOT1', status: 'Active' })
      .then([keyStatus('AKIAROOT1', 'Active')]);
  });

  it.each(['Active', 'Inactive'] as const)('does nothing when the key is already %s', (status) => {
    const history = status === 'Active' ? [keyCreated('AKIAROOT1')] : [keyCreated('AKIAROOT1'), keyStatus('AKIAROOT1', 'Inactive')];
    account(...history)
      .when({ type: 'UpdateRootAccessKey', accessKeyId: 'AKIAROOT1', status })
      .then([]);
  });

  it('deletes a key', () => {
    const state = account(keyCreated('AKIAROOT1'), keyCreated('AKIAROOT2'))
      .when({ type: 'DeleteRootAccessKey', accessKeyId: 'AKIAROOT2' })
      .then([keyDeleted('AKIAROOT2')]);
    expect(state.rootAccessKeys).toStrictEqual({ AKIAROOT1: 'Active' });
  });

  it.each([
    ['UpdateRootAccessKey', { type: 'UpdateRootAccessKey', accessKeyId: 'AKIAROOT9', status: 'Inactive' }],
    ['DeleteRootAccessKey', { type: 'DeleteRootAccessKey', accessKeyId: 'AKIAROOT9' }],
  ] as [string, AccountCommand][])('%s refuses a key the root user does not have', (_name, command) => {
    account(keyCreated('AKIAROOT1')).when(command).thenThrows(NoSuchEntityError, 'The Access Key with id AKIAROOT9 cannot be found.');
  });

  it('refuses to update or delete a deleted key', () => {
    account(keyCreated('AKIAROOT1'), keyDeleted('AKIAROOT1'))
      .when({ type: 'UpdateRootAccessKey', accessKeyId: 'AKIAROOT1', status: 'Inactive' })
      .thenThrows(NoSuchEntityError, /AKIAROOT1 cannot be found/);
    account(keyCreated('AKIAROOT1'), keyDeleted('AKIAROOT1'))
      .when({ type: 'DeleteRootAccessKey', accessKeyId: 'AKIAROOT1' })
      .thenThrows(NoSuchEntityError, /AKIAROOT1 cannot be found/);
  });
});

describe('every command but CreateAccount needs an existing account', () => {
  const commands: AccountCommand[] = [
    { type: 'CreateAccountAlias', alias: 'example-corp' },
    { type: 'DeleteAccountAlias', alias: 'example-corp' },
    { type: 'UpdateAccountQuotas', quotas: { users: 10 } },
    { type: 'CreateRootAccessKey', accessKeyId: 'AKIAROOT1', secret: SECRET },
    { type: 'UpdateRootAccessKey', accessKeyId: 'AKIAROOT1', status: 'Inactive' },
    { type: 'DeleteRootAccessKey', accessKeyId: 'AKIAROOT1' },
  ];

  it.each(commands.map((command) => [command.type, command] as const))('%s on an account that does not exist', (_type, command) => {
    given(accountDecider, []).when(command).thenThrows(NoSuchEntityError, 'The account cannot be found.');
  });
});

describe('account password policy (UpdateAccountPasswordPolicy, DeleteAccountPasswordPolicy)', () => {
  const policy = (overrides: Partial<PasswordPolicy> = {}): PasswordPolicy => ({ ...PASSWORD_POLICY_UPDATE_DEFAULTS, ...overrides });
  const updated = (p: PasswordPolicy): AccountEvent => ({ type: 'AccountPasswordPolicyUpdated', data: { policy: p } });

  it('sets the policy, and again over an existing one', () => {
    const state = account()
      .when({ type: 'UpdateAccountPasswordPolicy', policy: policy({ minimumPasswordLength: 14 }) })
      .then([updated(policy({ minimumPasswordLength: 14 }))]);
    expect(state.hasPasswordPolicy).toBe(true);
    account(updated(policy()))
      .when({ type: 'UpdateAccountPasswordPolicy', policy: policy({ requireSymbols: true }) })
      .then([updated(policy({ requireSymbols: true }))]);
  });

  it.each([
    [{ minimumPasswordLength: 5 }, /MinimumPasswordLength/],
    [{ minimumPasswordLength: 129 }, /MinimumPasswordLength/],
    [{ minimumPasswordLength: 7.5 }, /MinimumPasswordLength/],
    [{ maxPasswordAge: 0 }, /MaxPasswordAge/],
    [{ maxPasswordAge: 1096 }, /MaxPasswordAge/],
    [{ passwordReusePrevention: 0 }, /PasswordReusePrevention/],
    [{ passwordReusePrevention: 25 }, /PasswordReusePrevention/],
  ])('refuses %o, out of AWS bounds', (overrides, message) => {
    account()
      .when({ type: 'UpdateAccountPasswordPolicy', policy: policy(overrides) })
      .thenThrows(InvalidInputError, message);
  });

  it('accepts the bounds themselves', () => {
    const edge = policy({ minimumPasswordLength: 128, maxPasswordAge: 1095, passwordReusePrevention: 24 });
    account()
      .when({ type: 'UpdateAccountPasswordPolicy', policy: edge })
      .then([updated(edge)]);
  });

  it('deletes the policy, and refuses when there is none', () => {
    const state = account(updated(policy()))
      .when({ type: 'DeleteAccountPasswordPolicy' })
      .then([{ type: 'AccountPasswordPolicyDeleted', data: {} }]);
    expect(state.hasPasswordPolicy).toBe(false);
    account()
      .when({ type: 'DeleteAccountPasswordPolicy' })
      .thenThrows(NoSuchEntityError, /no password policy/);
  });
});

describe('SetRootLoginProfile', () => {
  it("sets the root user's email and password hash, and again over an existing one", () => {
    const set: AccountEvent = { type: 'RootLoginProfileSet', data: { email: 'owner@example.com', passwordHash: SECRET } };
    const state = account().when({ type: 'SetRootLoginProfile', email: 'owner@example.com', passwordHash: SECRET }).then([set]);
    expect(state.hasRootLogin).toBe(true);
    account(set)
      .when({ type: 'SetRootLoginProfile', email: 'new@example.com', passwordHash: SECRET })
      .then([{ type: 'RootLoginProfileSet', data: { email: 'new@example.com', passwordHash: SECRET } }]);
  });

  it.each(['owner', 'owner@', '@example.com', 'a b@example.com', `${'x'.repeat(250)}@example.com`])('refuses %j as a root email', (email) => {
    account()
      .when({ type: 'SetRootLoginProfile', email, passwordHash: SECRET })
      .thenThrows(InvalidInputError, /email address/);
  });

  it('re-encrypts the root password hash only when there is one', () => {
    account().when({ type: 'ReencryptRootPasswordHash', passwordHash: SECRET }).then([]);
    account({ type: 'RootLoginProfileSet', data: { email: 'owner@example.com', passwordHash: SECRET } })
      .when({ type: 'ReencryptRootPasswordHash', passwordHash: SECRET })
      .then([{ type: 'RootPasswordHashReencrypted', data: { passwordHash: SECRET } }]);
  });
});

describe('UpdateAccountSettings (sign-in)', () => {
  it('accepts throttling thresholds in bounds and MFA for console users', () => {
    const settings = { signInThrottle: { failuresBeforeLockout: 5 }, requireMfaForConsole: true };
    account()
      .when({ type: 'UpdateAccountSettings', settings })
      .then([{ type: 'AccountSettingsUpdated', data: { settings } }]);
  });

  it('refuses thresholds out of bounds', () => {
    account()
      .when({ type: 'UpdateAccountSettings', settings: { signInThrottle: { lockoutSeconds: 5 } } })
      .thenThrows(InvalidInputError, /lockoutSeconds/);
  });
});

describe('CloseAccount', () => {
  const closed: AccountEvent = { type: 'AccountClosed', data: {} };

  it('closes an active account, releasing its alias first', () => {
    const state = account(aliasCreated('example'))
      .when({ type: 'CloseAccount' })
      .then([aliasDeleted('example'), closed]);
    expect(state).toMatchObject({ status: 'closed', alias: null });
    account().when({ type: 'CloseAccount' }).then([closed]);
  });

  it("answers AWS Organizations' AccountAlreadyClosedException for a closed account", () => {
    account(closed)
      .when({ type: 'CloseAccount' })
      .thenThrows(AccountAlreadyClosedError, /already closed/);
  });

  it('refuses the management account (Organizations: CloseAccount cannot close it) and an account that does not exist', () => {
    given(accountDecider, [created({ isManagement: true })])
      .when({ type: 'CloseAccount' })
      .thenThrows(ConstraintViolationError, /management account/);
    given(accountDecider, []).when({ type: 'CloseAccount' }).thenThrows(NoSuchEntityError);
  });

  it("refuses every change to a closed account but the keyring's re-encryptions", () => {
    account(closed).when({ type: 'CreateAccountAlias', alias: 'example' }).thenThrows(NoSuchEntityError);
    account(closed).when({ type: 'CreateRootAccessKey', accessKeyId: 'AKIAEXAMPLE', secret: SECRET }).thenThrows(NoSuchEntityError);
    account(keyCreated('AKIAEXAMPLE'), closed)
      .when({ type: 'ReencryptRootAccessKeySecret', accessKeyId: 'AKIAEXAMPLE', secret: SECRET })
      .then([{ type: 'RootAccessKeySecretReencrypted', data: { accessKeyId: 'AKIAEXAMPLE', secret: SECRET } }]);
  });
});

describe('SetReadCallRecording', () => {
  const set = (enabled: boolean): AccountEvent => ({ type: 'AccountReadCallRecordingSet', data: { enabled } });

  it('turns the recording of read calls on and off, appending nothing when it is already so', () => {
    account().when({ type: 'SetReadCallRecording', enabled: false }).then([]);
    account()
      .when({ type: 'SetReadCallRecording', enabled: true })
      .then([set(true)]);
    account(set(true)).when({ type: 'SetReadCallRecording', enabled: true }).then([]);
    account(set(true))
      .when({ type: 'SetReadCallRecording', enabled: false })
      .then([set(false)]);
  });

  it('refuses a closed account', () => {
    account({ type: 'AccountClosed', data: {} })
      .when({ type: 'SetReadCallRecording', enabled: true })
      .thenThrows(NoSuchEntityError, /cannot be found/);
  });
});
