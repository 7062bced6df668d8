import type { Migration } from 'kysely';
import * as eventStore from './20261128-0001-event-store.js';
import * as iamReadModels from './20261128-0002-iam-read-models.js';
import * as rowLevelSecurity from './20261128-0003-row-level-security.js';
import * as accessKeyUsage from './20261128-0004-access-key-usage.js';
import * as appendFunction from './20261128-0005-append-function.js';
import * as sessions from './20261128-0006-sessions.js';
import * as tighterRowSecurity from './20261128-0007-tighter-row-security.js';
import * as loginProfiles from './20261128-0008-login-profiles.js';
import * as mfaAndSignIn from './20261128-0009-mfa-and-sign-in.js';
import * as appendPointCheck from './20261128-0010-append-point-check.js';
import * as appendStatement from './20261129-0011-append-statement.js';
import * as consumerCheckpointRowSecurity from './20261204-0012-consumer-checkpoint-row-security.js';
import * as oidcProviders from './20261205-0013-oidc-providers.js';
import * as samlProviders from './20261205-0014-saml-providers.js';
import * as usedFederationTokens from './20261205-0015-used-federation-tokens.js';
import * as accountStatus from './20261205-0016-account-status.js';
import * as sessionOriginAccount from './20261205-0017-session-origin-account.js';
import * as eventsAccountCommitOrder from './20261206-0020-events-account-commit-order.js';
import * as accountChanges from './20261206-0021-account-changes.js';
import * as historySnapshots from './20261206-0022-history-snapshots.js';
import * as credentialReports from './20261206-0023-credential-reports.js';
import * as apiCalls from './20261206-0024-api-calls.js';
import * as lastAccessed from './20261206-0025-last-accessed.js';
import * as documentHashes from './20261206-0026-document-hashes-and-policy-loader.js';
import * as eventsByTime from './20261206-0027-events-by-time.js';
import * as changedPoliciesLoader from './20261206-0029-changed-policies-loader.js';
import * as apiCallResources from './20261206-0030-api-call-resources.js';

/** Every migration, by name; names sort in the order they run. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '20261128-0001-event-store': eventStore,
  '20261128-0002-iam-read-models': iamReadModels,
  '20261128-0003-row-level-security': rowLevelSecurity,
  '20261128-0004-access-key-usage': accessKeyUsage,
  '20261128-0005-append-function': appendFunction,
  '20261128-0006-sessions': sessions,
  '20261128-0007-tighter-row-security': tighterRowSecurity,
  '20261128-0008-login-profiles': loginProfiles,
  '20261128-0009-mfa-and-sign-in': mfaAndSignIn,
  '20261128-0010-append-point-check': appendPointCheck,
  '20261129-0011-append-statement': appendStatement,
  '20261204-0012-consumer-checkpoint-row-security': consumerCheckpointRowSecurity,
  '20261205-0013-oidc-providers': oidcProviders,
  '20261205-0014-saml-providers': samlProviders,
  '20261205-0015-used-federation-tokens': usedFederationTokens,
  '20261205-0016-account-status': accountStatus,
  '20261205-0017-session-origin-account': sessionOriginAccount,
  '20261206-0020-events-account-commit-order': eventsAccountCommitOrder,
  '20261206-0021-account-changes': accountChanges,
  '20261206-0022-history-snapshots': historySnapshots,
  '20261206-0023-credential-reports': credentialReports,
  '20261206-0024-api-calls': apiCalls,
  '20261206-0025-last-accessed': lastAccessed,
  '20261206-0026-document-hashes-and-policy-loader': documentHashes,
  '20261206-0027-events-by-time': eventsByTime,
  '20261206-0029-changed-policies-loader': changedPoliciesLoader,
  '20261206-0030-api-call-resources': apiCallResources,
};
