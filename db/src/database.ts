import type { AccessKeyLookupTable } from './tables/access-key-lookup.table.js';
import type { AccessKeysTable } from './tables/access-keys.table.js';
import type { AccessKeyUsageTable } from './tables/access-key-usage.table.js';
import type { ActionUsageTable } from './tables/action-usage.table.js';
import type { ServiceLastAccessedJobsTable } from './tables/service-last-accessed-jobs.table.js';
import type { AccountChangesTable } from './tables/account-changes.table.js';
import type { AccountsTable } from './tables/accounts.table.js';
import type { ApiCallsTable } from './tables/api-calls.table.js';
import type { ConsumerCheckpointsTable } from './tables/consumer-checkpoints.table.js';
import type { EventsTable } from './tables/events.table.js';
import type { GroupMembershipsTable } from './tables/group-memberships.table.js';
import type { GroupsTable } from './tables/groups.table.js';
import type { HistorySnapshotsTable } from './tables/history-snapshots.table.js';
import type { InlinePoliciesTable } from './tables/inline-policies.table.js';
import type { MfaDevicesTable } from './tables/mfa-devices.table.js';
import type { OidcProvidersTable } from './tables/oidc-providers.table.js';
import type { UsedFederationTokensTable } from './tables/used-federation-tokens.table.js';
import type { CredentialReportsTable } from './tables/credential-reports.table.js';
import type { SamlProvidersTable } from './tables/saml-providers.table.js';
import type { SignInFailuresTable } from './tables/sign-in-failures.table.js';
import type { KeyringKeysTable } from './tables/keyring-keys.table.js';
import type { PoliciesTable } from './tables/policies.table.js';
import type { PolicyAttachmentsTable } from './tables/policy-attachments.table.js';
import type { PolicyVersionsTable } from './tables/policy-versions.table.js';
import type { RolesTable } from './tables/roles.table.js';
import type { SessionsTable } from './tables/sessions.table.js';
import type { UsersTable } from './tables/users.table.js';

export interface Database {
  events: EventsTable;
  consumer_checkpoints: ConsumerCheckpointsTable;
  accounts: AccountsTable;
  account_changes: AccountChangesTable;
  users: UsersTable;
  groups: GroupsTable;
  group_memberships: GroupMembershipsTable;
  roles: RolesTable;
  policies: PoliciesTable;
  policy_versions: PolicyVersionsTable;
  policy_attachments: PolicyAttachmentsTable;
  inline_policies: InlinePoliciesTable;
  access_keys: AccessKeysTable;
  access_key_usage: AccessKeyUsageTable;
  access_key_lookup: AccessKeyLookupTable;
  keyring_keys: KeyringKeysTable;
  sessions: SessionsTable;
  mfa_devices: MfaDevicesTable;
  sign_in_failures: SignInFailuresTable;
  oidc_providers: OidcProvidersTable;
  used_federation_tokens: UsedFederationTokensTable;
  saml_providers: SamlProvidersTable;
  history_snapshots: HistorySnapshotsTable;
  credential_reports: CredentialReportsTable;
  api_calls: ApiCallsTable;
  action_usage: ActionUsageTable;
  service_last_accessed_jobs: ServiceLastAccessedJobsTable;
}

/** Read-model tables: rebuilt from the events by replay, protected by row-level security. */
export const ACCOUNT_SCOPED_READ_MODELS = [
  'users',
  'groups',
  'group_memberships',
  'roles',
  'policies',
  'policy_versions',
  'policy_attachments',
  'inline_policies',
  'access_keys',
  'sessions',
  'mfa_devices',
  'sign_in_failures',
  'oidc_providers',
  'used_federation_tokens',
  'saml_providers',
] as const;

/** Read models that are rebuilt by replay but span accounts (no row-level security). */
export const GLOBAL_READ_MODELS = ['accounts', 'access_key_lookup', 'keyring_keys'] as const;

export type ReadModelTable = (typeof ACCOUNT_SCOPED_READ_MODELS)[number] | (typeof GLOBAL_READ_MODELS)[number];
