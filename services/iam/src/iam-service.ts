import { AccountExportOperations } from './account-export/account-export-operations.js';
import { AccessKeyOperations } from './access-keys/access-key-operations.js';
import { CredentialResolver } from './authentication/credential-resolver.js';
import { AccountOperations } from './accounts/account-operations.js';
import { AccessAdvisorOperations } from './last-accessed/access-advisor-operations.js';
import { AuditOperations } from './audit/audit-operations.js';
import { type LiveAuditTailLimits, LiveAuditTail } from './audit/live-audit-tail.js';
import type { CallSink } from './audit/call-recorder.js';
import { type CallRecording, recordedOperations } from './audit/recorded-operations.js';
import { ReadCallSettings } from './audit/read-call-settings.js';
import { CredentialReportOperations } from './credential-report/credential-report-operations.js';
import { AuthorizationOperations } from './permission-checks/authorization-operations.js';
import { PointInTimeChecks } from './permission-checks/point-in-time-checks.js';
import { AuthorizationDetailsOperations } from './authorization-details/authorization-details-operations.js';
import { GroupOperations } from './groups/group-operations.js';
import { PolicyOperations } from './policies/policy-operations.js';
import { PasswordOperations } from './passwords/password-operations.js';
import { PermissionWarnings } from './warnings/permission-warnings.js';
import { RoleOperations } from './roles/role-operations.js';
import { StsOperations } from './sts/sts-operations.js';
import { IamCore, type IamCoreOptions } from './service/iam-core.js';
import { projectEvent } from './projections.js';
import { UserOperations } from './users/user-operations.js';
import { MfaOperations } from './virtual-mfa/mfa-operations.js';
import { MaintenanceOperations } from './maintenance/maintenance-operations.js';
import { SignInOperations, type SignInDependencies } from './sign-in/sign-in-operations.js';
import { AttemptQueue } from './sign-in/attempt-queue.js';
import { OidcProviderOperations } from './oidc-providers/oidc-provider-operations.js';
import { SamlProviderOperations } from './saml-providers/saml-provider-operations.js';
import { SamlOperations } from './federation/saml-operations.js';
import { storedSamlProviders } from './federation/saml-provider-lookup.js';
import { defaultSamlEndpoints, type SamlEndpoints } from './federation/saml-response.js';
import { WebIdentityOperations } from './federation/web-identity-operations.js';
import { JwksCache, type JwksSource } from './federation/jwks-cache.js';
import { UnsignedExchangeLimit } from './federation/unsigned-exchange-limit.js';
import { HttpsJsonFetcher, type IdpFetchFailure } from './federation/https-json-fetcher.js';

/** The IAM domain's entry point: one object per area, all sharing one core. */
export class IamService {
  readonly core: IamCore;
  readonly accounts: AccountOperations;
  readonly users: UserOperations;
  readonly groups: GroupOperations;
  readonly roles: RoleOperations;
  readonly policies: PolicyOperations;
  readonly accessKeys: AccessKeyOperations;
  readonly authorization: AuthorizationOperations;
  /** authorize and simulatePrincipalPolicy as of a past instant, and access history. */
  readonly pointInTime: PointInTimeChecks;
  readonly audit: AuditOperations;
  readonly liveAudit: LiveAuditTail;
  readonly accountExport: AccountExportOperations;
  readonly credentialReports: CredentialReportOperations;
  /** Access Advisor's last-accessed reports and the policy suggestion. */
  readonly accessAdvisor: AccessAdvisorOperations;
  readonly details: AuthorizationDetailsOperations;
  readonly credentials: CredentialResolver;
  readonly sts: StsOperations;
  readonly passwords: PasswordOperations;
  readonly warnings: PermissionWarnings;
  readonly mfa: MfaOperations;
  readonly signIn: SignInOperations;
  readonly maintenance: MaintenanceOperations;
  readonly oidcProviders: OidcProviderOperations;
  readonly samlProviders: SamlProviderOperations;
  readonly webIdentity: WebIdentityOperations;
  readonly saml: SamlOperations;
  readonly unsignedExchanges: UnsignedExchangeLimit;

  constructor(
    options: Omit<IamCoreOptions, 'project'> & {
      readonly verifyPassword?: SignInDependencies['verify'];
      /** Where OpenID Connect providers' keys come from (default: fetched over https, trusting `oidcCaFile` too). */
      readonly webIdentityKeys?: JwksSource;
      /** A PEM file of CA certificates trusted for identity providers besides Node's roots (WARDEN_OIDC_CA_FILE). */
      readonly oidcCaFile?: string | undefined;
      /** Identity provider hosts fetched even on a private address (WARDEN_OIDC_ALLOWED_HOSTS). */
      readonly oidcAllowedHosts?: readonly string[];
      /** Where a failed identity provider fetch is logged (the caller is told only that it failed). */
      readonly onOidcFetchFailure?: (failure: IdpFetchFailure) => void;
      /** Unsigned STS exchanges per client address and minute (WARDEN_UNSIGNED_EXCHANGES_PER_MINUTE); 0: no ceiling. */
      readonly unsignedExchangesPerMinute?: number;
      /** Where SAML assertions may be addressed (Audience, Recipient): AWS's endpoint, and Warden's own when it has a public URL. */
      readonly samlEndpoints?: SamlEndpoints;
      /** How many live audit tails may be open, and how often they read. */
      readonly liveAuditTail?: LiveAuditTailLimits;
      /** Where the records of denied, failed and (opted-in) read calls go (audit/call-recorder.ts); none: not recorded. */
      readonly callSink?: CallSink;
    },
  ) {
    this.core = new IamCore({ ...options, project: projectEvent });
    this.accounts = new AccountOperations(this.core);
    this.users = new UserOperations(this.core);
    this.groups = new GroupOperations(this.core);
    this.roles = new RoleOperations(this.core);
    this.policies = new PolicyOperations(this.core);
    this.accessKeys = new AccessKeyOperations(this.core);
    this.authorization = new AuthorizationOperations(this.core);
    this.pointInTime = new PointInTimeChecks(this.core, this.authorization);
    this.audit = new AuditOperations(this.core);
    this.accountExport = new AccountExportOperations(this.core);
    this.credentialReports = new CredentialReportOperations(this.core);
    this.accessAdvisor = new AccessAdvisorOperations(this.core);
    this.details = new AuthorizationDetailsOperations(this.core);
    this.mfa = new MfaOperations(this.core);
    this.sts = new StsOperations(this.core);
    const attempts = new AttemptQueue();
    this.passwords = new PasswordOperations(this.core, attempts);
    this.warnings = new PermissionWarnings(this.core);
    this.signIn = new SignInOperations(this.core, { consoleSessions: this.sts, passwords: this.passwords, attempts, ...(options.verifyPassword ? { verify: options.verifyPassword } : {}) });
    this.maintenance = new MaintenanceOperations(this.core);
    this.oidcProviders = new OidcProviderOperations(this.core);
    this.samlProviders = new SamlProviderOperations(this.core);
    // One ceiling for every unsigned exchange (web identity now, SAML with it), whichever front sends it.
    this.unsignedExchanges = new UnsignedExchangeLimit(options.unsignedExchangesPerMinute);
    this.webIdentity = new WebIdentityOperations(
      this.core,
      this.sts,
      options.webIdentityKeys ??
        new JwksCache({
          fetcher: new HttpsJsonFetcher({
            extraCaFile: options.oidcCaFile,
            ...(options.oidcAllowedHosts ? { allowedHosts: options.oidcAllowedHosts } : {}),
            ...(options.onOidcFetchFailure ? { onFailure: options.onOidcFetchFailure } : {}),
          }),
          clock: this.core.clock,
        }),
      this.unsignedExchanges,
    );
    this.saml = new SamlOperations(this.core, this.sts, storedSamlProviders, options.samlEndpoints ?? defaultSamlEndpoints(), this.unsignedExchanges);
    this.credentials = new CredentialResolver(this.core.db, this.core.keyring, this.core.partition, this.core.epochs, this.core.observer);
    this.liveAudit = new LiveAuditTail(this.core, this.credentials, options.liveAuditTail);
    if (options.callSink) {
      // Only the objects the fronts call with a caller: the inner objects above keep the plain ones,
      // and an operation called inside a recorded call is part of it. Not recorded: authentication
      // (credentials), the unsigned exchanges (no caller), the system's maintenance, the live tail's
      // stream, and the warnings computed as fields of an answer.
      const recording: CallRecording = { sink: options.callSink, readCalls: new ReadCallSettings(this.core.db, this.core.epochs), clock: this.core.clock };
      const recorded = <T extends object>(operations: T, area: string, declared?: Parameters<typeof recordedOperations>[3]) => recordedOperations(operations, area, recording, declared);
      const simulated = { authorize: 'iam:SimulatePrincipalPolicy', authorizeMany: 'iam:SimulatePrincipalPolicy', authorizeAsking: 'iam:SimulatePrincipalPolicy' };
      this.accounts = recorded(this.accounts, 'accounts');
      this.users = recorded(this.users, 'users');
      this.groups = recorded(this.groups, 'groups');
      this.roles = recorded(this.roles, 'roles');
      this.policies = recorded(this.policies, 'policies');
      this.accessKeys = recorded(this.accessKeys, 'accessKeys');
      this.authorization = recorded(this.authorization, 'authorization', {
        aggregates: { ...simulated, simulatePrincipalPolicy: 'iam:SimulatePrincipalPolicy', simulateCustomPolicy: 'iam:SimulateCustomPolicy' },
      });
      this.pointInTime = recorded(this.pointInTime, 'pointInTime', { aggregates: { authorizeAt: 'iam:SimulatePrincipalPolicy', simulatePrincipalPolicyAt: 'iam:SimulatePrincipalPolicy' } });
      this.audit = recorded(this.audit, 'audit');
      this.accountExport = recorded(this.accountExport, 'accountExport');
      this.credentialReports = recorded(this.credentialReports, 'credentialReports');
      this.details = recorded(this.details, 'details');
      this.sts = recorded(this.sts, 'sts', { names: { getSessionToken: 'sts:GetSessionToken' } });
      this.passwords = recorded(this.passwords, 'passwords');
      this.mfa = recorded(this.mfa, 'mfa');
      this.signIn = recorded(this.signIn, 'signIn');
      this.oidcProviders = recorded(this.oidcProviders, 'oidcProviders');
      this.samlProviders = recorded(this.samlProviders, 'samlProviders');
    }
  }
}
