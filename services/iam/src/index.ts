export type { NewAccessKey } from './identifiers/index.js';
export type { AccessKey } from './access-keys/access-key.js';
export type { Account } from './accounts/account.js';
export type { AccountFilter } from './accounts/account-repository.js';
export type { AuditEvent } from './audit/audit-event.js';
export type { ApiCallRecord, AuditOutcome } from './audit/api-call-record.js';
export { type AuditLogEntry, type AuditLogPageEntry, isAuditEvent } from './audit/audit-log-entry.js';
export type { ExportedTable } from './account-export/account-iam-state.js';
export type { Group } from './groups/group.js';
export type { MfaDevice } from './mfa/mfa-device.js';
export { type ListedPolicy, type ManagedPolicy, POLICY_SCOPES, POLICY_USAGES, type PolicyListFilter, type PolicyScope, type PolicyUsage } from './policies/managed-policy.js';
export { policyListKey } from './policies/policy-list-key.js';
export type { PolicyVersion } from './policies/policy-version.js';
export type { Role } from './roles/role.js';
export type { OidcProvider } from './oidc-providers/oidc-provider.js';
export type { CreateOpenIDConnectProviderInput } from './oidc-providers/oidc-provider-operations.js';
export type { AssumeRoleWithWebIdentityInput, WebIdentityAssumedRole } from './federation/web-identity-operations.js';
export type { RequestFacts } from './federation/federated-role-assumption.js';
export { SamlOperations, samlNameQualifier, type AssumeRoleWithSamlInput, type SamlAssumedRole, type SamlProviderLookup, type SamlProviderRecord } from './federation/saml-operations.js';
export { AWS_SAML_ENDPOINT, defaultSamlEndpoints, type SamlEndpoints } from './federation/saml-response.js';
export type { SamlProvider } from './saml-providers/saml-provider.js';
export type { CreateSAMLProviderInput } from './saml-providers/saml-provider-operations.js';
export { findSamlProviderByArn } from './saml-providers/saml-provider-repository.js';
export { readSamlMetadata, type SamlIdpMetadata } from './saml-providers/saml-metadata.js';
export { JwksCache, type JwksSource } from './federation/jwks-cache.js';
export { HttpsJsonFetcher, IDP_UNREACHABLE_MESSAGE, type IdpFetchFailure, type JsonFetcher } from './federation/https-json-fetcher.js';
export { ASYMMETRIC_ALGORITHMS } from './federation/web-identity-token.js';
export { TOKEN_CLOCK_SKEW_SECONDS } from './kernel/token-clock-skew.js';
export type { User } from './users/user.js';
export type { AuditSettings, CreatedAccount } from './accounts/account-operations.js';
export { ACCOUNT_SUMMARY_KEYS, type AccountSummary, type AccountSummaryKey } from './accounts/account-summary.js';
export { AWS_MANAGED_POLICIES, findAwsManagedPolicy } from './policy-documents/aws-managed-policies.js';
export { WARDEN_ACTIONS, type WardenAction, wardenActionsMarkdown, WARDEN_ACTIONS_END, WARDEN_ACTIONS_START } from './warden-actions/warden-actions.js';
export type { AuditFilter } from './audit/audit-operations.js';
export type { AuditEntry } from './audit/audit-cursor.js';
export { AUDIT_ENTRY_FIELDS, type AuditEntryFields, auditEntryFields } from './audit/audit-entry-fields.js';
export { DEFAULT_LIVE_AUDIT_TAIL_LIMITS, LiveAuditTail, type LiveAuditTailLimits } from './audit/live-audit-tail.js';
export { CallRecorder, type CallRecorderOptions, type CallSink, type CallWriter, insertApiCalls, DEFAULT_CALL_FLUSH_INTERVAL_MS, DEFAULT_MAX_QUEUED_CALLS } from './audit/call-recorder.js';
export type { CallDecision, RecordedCall } from './audit/recorded-call.js';
export { type ApiCallPartitionUpkeep, DEFAULT_AUDIT_RETENTION_DAYS, upkeepApiCallPartitions } from './audit/api-call-partitions.js';
export type { AccountAuthorizationDetails, EntitiesForPolicy, PrincipalDetail } from './authorization-details/authorization-details-operations.js';
export { CredentialResolver, type CurrentCredential, resolveAccessKey, type ResolvedCredential } from './authentication/credential-resolver.js';
export { type CredentialStanding, credentialStanding } from './authentication/credential-standing.js';
export { type IamCacheName, type IamObserver, type LastAccessedLoss, NO_IAM_OBSERVER } from './kernel/iam-observer.js';
export type { AuthorizeAnswer, AuthorizeRequest, SimulationResult } from './permission-checks/authorization-operations.js';
export {
  type AccessHistory,
  type AccessHistoryRequest,
  type AllowedInterval,
  type DecisionChange,
  POINT_IN_TIME_CLOCK_SKEW_MS,
  PointInTimeChecks,
  type PointInTimeRequest,
} from './permission-checks/point-in-time-checks.js';
export { deleteSnapshots, HISTORY_SNAPSHOT_INTERVAL } from './history/history-snapshots.js';
export type { HistorySnapshotOptions } from './history/history-cursor.js';
export { bootstrap, type BootstrapResult } from './bootstrap.js';
export { LiveKeyring, type SecretCipher } from './keyring/live-keyring.js';
export type { RotationResult } from './maintenance/keyring-rotation.js';
export type { MaintenanceOperations, SessionIssuedListener } from './maintenance/maintenance-operations.js';
export type { AccountSettings } from './accounts/account.events.js';
export { DEFAULT_PASSWORD_POLICY, type PasswordPolicy } from './accounts/password-policy.js';
export { ARGON2ID, hashPassword, setPasswordHashConcurrency, verifyPassword } from './crypto/password-hashing.js';
export { type Caller, type CallerKind, type CallerSession, type Clock, systemClock } from './kernel/command-context.js';
export { callerUserId } from './kernel/caller-user-id.js';
export { type AssumedRole, type AssumeRoleInput, type FederationToken, type TemporaryCredentials, tokenHash } from './sts/sts-operations.js';
export { type ConsoleSession, parseConsoleToken } from './sessions/console-session.js';
export type { CreatedVirtualMfaDevice } from './mfa/created-virtual-mfa-device.js';
export { codeAtStep, stepAt, TOTP_PERIOD_SECONDS } from './mfa/totp.js';
export type { SignInInput, SignInOutcome, SignInRequest } from './sign-in/sign-in-operations.js';
export { accountThrottle, DEFAULT_SIGN_IN_THROTTLE, type SignInThrottleSettings } from './accounts/sign-in-throttle-settings.js';
export { equalInConstantTime, Keyring, loadMasterKey, MasterKeyError } from './crypto/index.js';
export * from './kernel/iam-error.js';
export { StoredDocumentMismatchError } from './policy-documents/validated-document-hash.js';
export { IamService } from './iam-service.js';
export type { EpochSource } from './service/account-epochs.js';
export { replayReadModels, type ReplayReport } from './replay.js';
export type { ExpiryOutcome } from './maintenance/session-expiry.js';
export { nameKey, type Tag } from './naming/index.js';
export { ACCOUNT_QUOTA_NAMES, type AccountQuotaName, DEFAULT_QUOTAS, effectiveQuotas, QUOTA_ADJUSTABLE, QUOTA_MAXIMUMS, type Quotas } from './naming/index.js';
export type { CredentialReport, GeneratedCredentialReport } from './credential-report/credential-report-operations.js';
export type { EntityDetails, EntityInfo, JobStatus, PolicySuggestion, ServiceLastAccessedDetails, ServiceLastAccessedDetailsWithEntities } from './last-accessed/access-advisor-operations.js';
export type { ReportGranularity, ServiceLastAccessed, TrackedActionLastAccessed } from './last-accessed/service-last-accessed-report.js';
export { UsageCounters, type UsageCounterOptions } from './kernel/usage-counters.js';
export { CREDENTIAL_REPORT_HEADER, ROOT_ACCOUNT_USER } from './credential-report/credential-report-csv.js';
export { REPORT_REUSE_MS, type CredentialReportState } from './credential-report/credential-report-rules.js';
