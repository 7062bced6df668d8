import type { Database, StoredEvent } from '@warden/db';
import type { Transaction } from 'kysely';
import { projectAccessKeyEvent } from './access-keys/access-keys.projection.js';
import type { AccountEvent } from './accounts/account.events.js';
import { projectAccountEvent } from './accounts/accounts.projection.js';
import type { GroupEvent } from './groups/group.events.js';
import type { KeyringEvent } from './keyring/keyring.events.js';
import { projectKeyringEvent } from './keyring/keyring.projection.js';
import { projectGroupEvent } from './groups/groups.projection.js';
import type { ManagedPolicyEvent } from './policies/managed-policy.events.js';
import { projectManagedPolicyEvent } from './policies/managed-policies.projection.js';
import type { RoleEvent } from './roles/role.events.js';
import type { SessionEvent } from './sessions/session.events.js';
import { projectSessionEvent } from './sessions/sessions.projection.js';
import { projectRoleEvent } from './roles/roles.projection.js';
import type { UserEvent } from './users/user.events.js';
import { projectUserEvent } from './users/users.projection.js';
import type { MfaDeviceEvent } from './mfa/mfa-device.events.js';
import { projectMfaDeviceEvent } from './mfa/mfa-devices.projection.js';
import type { SignInEvent } from './sign-in/sign-in.events.js';
import { projectSignInEvent } from './sign-in/sign-in.projection.js';
import type { OidcProviderEvent } from './oidc-providers/oidc-provider.events.js';
import { projectOidcProviderEvent } from './oidc-providers/oidc-providers.projection.js';
import type { SamlProviderEvent } from './saml-providers/saml-provider.events.js';
import { projectSamlProviderEvent } from './saml-providers/saml-providers.projection.js';

/**
 * Every inline projection, dispatched by the stream the event belongs to. Live appends and replay
 * both go through here, so a rebuilt read model is the live one by construction (and a test checks
 * it row for row).
 */
export async function projectEvent(trx: Transaction<Database>, stored: StoredEvent): Promise<void> {
  const event = { type: stored.type, data: stored.data };
  const kind = stored.streamId.slice(0, stored.streamId.indexOf('/'));
  switch (kind) {
    case 'account':
      await projectAccountEvent(trx, stored, event as AccountEvent);
      return projectAccessKeyEvent(trx, stored, event as AccountEvent);
    case 'user':
      await projectUserEvent(trx, stored, event as UserEvent);
      return projectAccessKeyEvent(trx, stored, event as UserEvent);
    case 'group':
      return projectGroupEvent(trx, stored, event as GroupEvent);
    case 'role':
      return projectRoleEvent(trx, stored, event as RoleEvent);
    case 'policy':
      return projectManagedPolicyEvent(trx, stored, event as ManagedPolicyEvent);
    case 'session':
      return projectSessionEvent(trx, stored, event as SessionEvent);
    case 'mfa-device':
      return projectMfaDeviceEvent(trx, stored, event as MfaDeviceEvent);
    case 'sign-in':
      return projectSignInEvent(trx, stored, event as SignInEvent);
    case 'oidc-provider':
      return projectOidcProviderEvent(trx, stored, event as OidcProviderEvent);
    case 'saml-provider':
      return projectSamlProviderEvent(trx, stored, event as SamlProviderEvent);
    case 'keyring':
      return projectKeyringEvent(trx, stored, event as KeyringEvent);
    default:
      throw new Error(`no projection for stream ${stored.streamId}`);
  }
}
